//! A TCP relay between the CLI and the server, to drop the CLI's connections as a flaky
//! network would, while new ones still get through.

use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

pub struct Relay {
    pub address: String,
    connections: Arc<Mutex<JoinSet<()>>>,
    accepting: tokio::task::JoinHandle<()>,
}

impl Relay {
    /// Relays `http://127.0.0.1:{port}` to `server` (`http://host:port`).
    pub async fn start(server: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let server = server.trim_start_matches("http://").to_string();
        let connections = Arc::new(Mutex::new(JoinSet::new()));
        let tracked = connections.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let server = server.clone();
                tracked.lock().unwrap().spawn(async move {
                    if let Ok(mut upstream) = TcpStream::connect(&server).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
            }
        });
        Self {
            address,
            connections,
            accepting,
        }
    }

    /// Drops every connection open now; later ones are relayed as before.
    pub fn drop_connections(&self) {
        self.connections.lock().unwrap().abort_all();
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accepting.abort();
        self.drop_connections();
    }
}
