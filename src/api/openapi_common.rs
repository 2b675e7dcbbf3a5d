//! Responses every operation of a kind can give, added to the document in one place so each
//! handler's annotation lists only what is particular to it: credentials refused (401, 403)
//! wherever a bearer token is needed, and a body refused (400, 413, 415) wherever one is read.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{OpenApi, Ref, RefOr, Response};
use utoipa::Modify;

pub struct CommonResponses;

const SECURED: &[(&str, &str)] = &[
    (
        "401",
        "UNAUTHORIZED: no credentials, or an invalid, expired or revoked token",
    ),
    (
        "403",
        "INSUFFICIENT_SCOPE: the credential lacks the scope, or is not an admin's",
    ),
];

const WITH_BODY: &[(&str, &str)] = &[
    ("400", "INVALID_JSON or VALIDATION_FAILED (with the fields)"),
    ("413", "PAYLOAD_TOO_LARGE"),
    ("415", "UNSUPPORTED_MEDIA_TYPE: send application/json"),
];

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_common(operation);
            }
        }
    }
}

fn add_common(operation: &mut Operation) {
    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    if secured {
        add_missing(operation, SECURED);
    }
    if operation.request_body.is_some() {
        add_missing(operation, WITH_BODY);
    }
}

fn add_missing(operation: &mut Operation, responses: &[(&str, &str)]) {
    for (status, description) in responses {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| error_response(description));
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content("application/json", content)
            .build(),
    )
}
