use reqwest::Method;
use serde_json::Value;

use crate::support::app::spawn_app;

/// Every operation the document lists is served: none answers "no such route" or "method not
/// allowed". Together with the document being generated from the handlers, this keeps the two
/// in step.
#[tokio::test]
async fn every_documented_operation_is_served() {
    let app = spawn_app().await;
    let document = app.openapi().await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 11);
    for (path, operations) in paths {
        let concrete = path.replace("{id}", "00000000-0000-0000-0000-000000000000");
        for method in operations.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let response = app
                .request(method.clone(), &concrete, None)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert_ne!(body["code"], "ROUTE_NOT_FOUND", "{method} {path}");
            assert_ne!(status, 405, "{method} {path}");
        }
    }
}

#[tokio::test]
async fn the_document_declares_bearer_auth_and_the_error_body() {
    let app = spawn_app().await;
    let document = app.openapi().await;
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
}
