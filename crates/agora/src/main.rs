//! `agora`: the open-government platform in one binary.

mod backup;
mod cli;
mod demo;
mod home;
mod jobs_table;
#[cfg(test)]
mod route_headers;
mod search;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
