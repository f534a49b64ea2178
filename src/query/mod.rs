//! Ask the graph: paths, neighbourhoods, edge filters, entity search and SPARQL.

use anyhow::{bail, Result};
use std::process::ExitCode;

/// Arguments of `newsgraph query`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {}

/// Runs a query command.
pub fn run(_args: QueryArgs) -> Result<ExitCode> {
    bail!("queries are not available yet")
}
