//! `agora`: the open-government platform in one binary.

#[cfg(test)]
mod authz;
mod backup;
mod cli;
mod demo;
mod home;
mod jobs_table;
#[cfg(test)]
mod route_headers;
#[cfg(test)]
mod route_table;
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
