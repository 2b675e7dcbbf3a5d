//! The API's surface: health and metrics, error bodies, the OpenAPI document, and requests
//! generated from it.

mod disclosure;
mod errors;
mod fuzz_schema;
mod health;
mod openapi;
