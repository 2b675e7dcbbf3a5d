//! A stand-in for a node's engine going away while its worker lives: the worker reaches its
//! engine through this relay's socket, and cutting the relay is the engine stopping, without
//! stopping an engine other tests share.

use std::path::PathBuf;

use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinSet;

pub struct EngineRelay {
    pub path: PathBuf,
    engine: PathBuf,
    connections: Option<tokio::task::JoinHandle<()>>,
}

impl EngineRelay {
    /// Relays `unix://{path}` to the engine at `engine` (`unix://...`).
    pub fn start(name: &str, engine: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("sandboxd-relay-{name}-{}.sock", std::process::id()));
        let engine = PathBuf::from(engine.trim_start_matches("unix://"));
        let mut relay = Self {
            path,
            engine,
            connections: None,
        };
        relay.resume();
        relay
    }

    pub fn address(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// Every connection closed and no new one answered: the engine is gone.
    pub fn cut(&mut self) {
        if let Some(task) = self.connections.take() {
            task.abort();
        }
        let _ = std::fs::remove_file(&self.path);
    }

    /// The engine back, at the same address.
    pub fn resume(&mut self) {
        self.cut();
        let listener = UnixListener::bind(&self.path).expect("the relay's socket");
        let engine = self.engine.clone();
        self.connections = Some(tokio::spawn(async move {
            // Dropped with this task, so cutting the relay closes every open connection too.
            let mut open = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let engine = engine.clone();
                open.spawn(async move {
                    if let Ok(mut upstream) = UnixStream::connect(&engine).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
            }
        }));
    }
}

impl Drop for EngineRelay {
    fn drop(&mut self) {
        self.cut();
    }
}
