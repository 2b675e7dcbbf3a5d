use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Logs go to stdout, filtered by `SANDBOXD_LOG` (tracing's directive syntax, default `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_env("SANDBOXD_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    // A second init (several applications in one test process) keeps the first subscriber.
    let _ = result;
}
