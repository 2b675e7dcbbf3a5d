//! `sandboxd mcp` driven as an agent's client would: JSON-RPC 2.0, one message per line.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

use super::Client;
use crate::support::app::spawn_app;

struct Session {
    _child: Child,
    input: ChildStdin,
    output: Lines<BufReader<ChildStdout>>,
    next_id: i64,
}

impl Session {
    fn start(client: &Client) -> Self {
        let mut child = client
            .command(&["mcp"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        Self {
            input: child.stdin.take().unwrap(),
            output: BufReader::new(child.stdout.take().unwrap()).lines(),
            _child: child,
            next_id: 1,
        }
    }

    async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.input.write_all(line.as_bytes()).await.unwrap();
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        let line = tokio::time::timeout(Duration::from_secs(120), self.output.next_line())
            .await
            .expect("an answer within 2 minutes")
            .unwrap()
            .expect("the server is still there");
        let answer: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(answer["jsonrpc"], "2.0");
        assert_eq!(answer["id"], id, "answers come in order: {answer}");
        answer
    }

    /// A tool's result: (structured content, whether it is an error).
    async fn tool(&mut self, name: &str, arguments: Value) -> (Value, bool) {
        let answer = self
            .request(
                "tools/call",
                json!({ "name": name, "arguments": arguments }),
            )
            .await;
        let result = &answer["result"];
        assert_eq!(result["content"][0]["type"], "text", "{answer}");
        let is_error = result["isError"].as_bool().unwrap();
        let content = match is_error {
            true => result["content"][0]["text"].clone(),
            false => result["structuredContent"].clone(),
        };
        (content, is_error)
    }
}

#[tokio::test]
async fn an_agent_creates_runs_moves_files_previews_and_deletes() {
    let app = spawn_app().await;
    let client = Client::with_token(&app, &app.user_token("agent").await);
    let mut session = Session::start(&client);

    let initialized = session
        .request(
            "initialize",
            json!({ "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": { "name": "test", "version": "1" } }),
        )
        .await;
    assert_eq!(initialized["result"]["serverInfo"]["name"], "sandboxd");
    assert!(initialized["result"]["capabilities"]["tools"].is_object());
    // A notification is not answered: the next line is the ping's.
    session
        .send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }))
        .await;
    assert_eq!(
        session.request("ping", json!({})).await["result"],
        json!({})
    );

    let listed = session.request("tools/list", json!({})).await;
    let tools = listed["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    for expected in [
        "create_environment",
        "list_environments",
        "run_command",
        "read_file",
        "write_file",
        "open_preview",
        "delete_environment",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
    assert!(tools
        .iter()
        .all(|tool| tool["inputSchema"]["type"] == "object"));

    let (environment, failed) = session
        .tool(
            "create_environment",
            json!({ "name": "work", "role": "barebone" }),
        )
        .await;
    assert!(!failed, "{environment}");
    assert_eq!(environment["stage"], "ready");

    let (ran, _) = session
        .tool(
            "run_command",
            json!({ "environment": "work", "command": "echo hi; echo oops >&2; exit 4" }),
        )
        .await;
    assert_eq!(ran["exit_code"], 4, "{ran}");
    assert_eq!(ran["stdout"], "hi\n");
    assert_eq!(ran["stderr"], "oops\n");

    let (_, failed) = session
        .tool(
            "write_file",
            json!({ "environment": "work", "path": "/root/notes.md", "content": "# ünïcode\n" }),
        )
        .await;
    assert!(!failed);
    let (read, _) = session
        .tool(
            "read_file",
            json!({ "environment": "work", "path": "/root/notes.md" }),
        )
        .await;
    assert_eq!(read["content"], "# ünïcode\n");
    assert_eq!(read["base64"], false);
    session
        .tool("write_file", json!({ "environment": "work", "path": "/root/b.bin", "content": "AP8Q", "base64": true }))
        .await;
    let (read, _) = session
        .tool(
            "read_file",
            json!({ "environment": "work", "path": "/root/b.bin" }),
        )
        .await;
    assert_eq!(
        (read["content"].as_str(), read["base64"].as_bool()),
        (Some("AP8Q"), Some(true))
    );

    let (link, _) = session
        .tool(
            "open_preview",
            json!({ "environment": "work", "port": 8000 }),
        )
        .await;
    assert!(
        link["url"]
            .as_str()
            .unwrap()
            .contains("sandboxd_preview_link="),
        "{link}"
    );

    let (message, failed) = session
        .tool(
            "run_command",
            json!({ "environment": "someone-elses", "command": "true" }),
        )
        .await;
    assert!(failed);
    assert!(
        message.as_str().unwrap().contains("CONTAINER_NOT_FOUND"),
        "{message}"
    );
    let (message, failed) = session
        .tool("read_file", json!({ "environment": "work" }))
        .await;
    assert!(
        failed && message.as_str().unwrap().contains("`path` is required"),
        "{message}"
    );
    let unknown = session
        .request("tools/call", json!({ "name": "format_disk" }))
        .await;
    assert_eq!(unknown["error"]["code"], -32602);
    let unknown = session.request("resources/list", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);

    let (listed, _) = session.tool("list_environments", json!({})).await;
    assert_eq!(listed["count"], 1);
    let (_, failed) = session
        .tool("delete_environment", json!({ "environment": "work" }))
        .await;
    assert!(!failed);
    let (listed, _) = session.tool("list_environments", json!({})).await;
    assert_eq!(listed["count"], 0);
}
