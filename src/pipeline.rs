//! The build pipeline: read → clean → segment → tag → entities → coref →
//! relations → merge → export.

use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `newsgraph build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {}

/// Runs `newsgraph build`.
pub fn run(_args: BuildArgs) -> Result<ExitCode> {
    anyhow::bail!("not yet")
}
