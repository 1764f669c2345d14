use anyhow::{Context, Result};
use qingfeng_store::Store;
use std::process::ExitCode;

pub async fn run(database: &str, listen: &str, opts: &qingfeng_web::Options) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    serve_store(store, listen, opts).await?;
    Ok(ExitCode::SUCCESS)
}

/// Serves the web application over `store` until the process is stopped.
pub async fn serve_store(store: Store, listen: &str, opts: &qingfeng_web::Options) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} / 无法监听 {listen}"))?;
    let address = listener.local_addr()?;
    let state = qingfeng_web::AppState::new(store, opts).await?;
    println!("清风门户 / Qingfeng portal: http://{address}/");
    println!("  我的补贴 / My money:   http://{address}/money");
    println!("  我要举报 / Report:     http://{address}/report");
    println!("按 Ctrl+C 停止 / press Ctrl+C to stop");
    qingfeng_web::serve(state, listener).await
}
