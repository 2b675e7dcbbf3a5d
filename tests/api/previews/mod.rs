//! Preview links: a browser reaches the web app someone runs in their environment.

mod links;
