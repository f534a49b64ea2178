//! Export: one module per output format, each streaming the graph to a writer
//! (or, for the multi-file formats, into a folder).

pub mod cli;
pub mod cypher;
pub mod dot;
pub mod escape;
pub mod graphml;
pub mod json;
pub mod kuzu;
pub mod neo4j_csv;
pub mod rdf;

use crate::graph::KnowledgeGraph;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum Format {
    /// Node-link JSON (networkx `node_link_graph(data, edges="edges")`).
    Json,
    /// Graphviz DOT.
    Dot,
    /// SVG rendered by Graphviz `dot`.
    Svg,
    /// PNG rendered by Graphviz `dot`.
    Png,
    /// GraphML for networkx, Gephi, yEd, igraph.
    Graphml,
    /// A Cypher script for Neo4j / Memgraph.
    Cypher,
    /// `nodes.csv` + `relationships.csv` for `neo4j-admin database import` (a folder).
    #[value(name = "neo4j-csv")]
    Neo4jCsv,
    /// CSV files + `load.cypher` for Kùzu / Ladybug (a folder).
    Kuzu,
    /// RDF Turtle.
    Turtle,
    /// RDF N-Triples.
    Ntriples,
}

impl Format {
    /// The format implied by a file name's extension.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "json" => Format::Json,
            "dot" | "gv" => Format::Dot,
            "svg" => Format::Svg,
            "png" => Format::Png,
            "graphml" => Format::Graphml,
            "cypher" | "cql" => Format::Cypher,
            "ttl" => Format::Turtle,
            "nt" => Format::Ntriples,
            "kuzu" => Format::Kuzu,
            "neo4j" => Format::Neo4jCsv,
            _ => return None,
        })
    }

    /// Whether the format writes a folder rather than one file.
    pub fn is_folder(self) -> bool {
        matches!(self, Format::Neo4jCsv | Format::Kuzu)
    }

    /// The name given to `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Graphml => "graphml",
            Format::Cypher => "cypher",
            Format::Neo4jCsv => "neo4j-csv",
            Format::Kuzu => "kuzu",
            Format::Turtle => "turtle",
            Format::Ntriples => "ntriples",
        }
    }

    /// The usual file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Graphml => "graphml",
            Format::Cypher => "cypher",
            Format::Neo4jCsv => "neo4j",
            Format::Kuzu => "kuzu",
            Format::Turtle => "ttl",
            Format::Ntriples => "nt",
        }
    }
}

/// Where output goes: a path, or standard output for `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file or folder.
    Path(PathBuf),
}

impl Output {
    /// `-` means standard output.
    pub fn parse(s: &str) -> Output {
        if s == "-" {
            Output::Stdout
        } else {
            Output::Path(PathBuf::from(s))
        }
    }
}

/// Picks the format: the explicit one, else the output's extension, else JSON.
pub fn resolve_format(explicit: Option<Format>, output: &Output) -> Format {
    explicit
        .or_else(|| match output {
            Output::Path(p) => Format::from_extension(p),
            Output::Stdout => None,
        })
        .unwrap_or(Format::Json)
}

/// Serializes the graph in a single-stream format.
pub fn write_stream(graph: &KnowledgeGraph, format: Format, w: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => json::write(graph, w)?,
        Format::Dot => dot::write(graph, w)?,
        Format::Svg | Format::Png => {
            let bytes = dot::render(graph, format)?;
            w.write_all(&bytes)?;
        }
        Format::Graphml => graphml::write(graph, w)?,
        Format::Cypher => cypher::write(graph, w)?,
        Format::Turtle => rdf::write_turtle(graph, w)?,
        Format::Ntriples => rdf::write_ntriples(graph, w)?,
        Format::Neo4jCsv | Format::Kuzu => bail!(
            "the {} format writes a folder: give --output DIR",
            format.name()
        ),
    }
    Ok(())
}

/// Writes a folder format's files into an existing, empty folder.
pub fn write_folder(graph: &KnowledgeGraph, format: Format, dir: &Path) -> Result<()> {
    match format {
        Format::Neo4jCsv => neo4j_csv::write_dir(graph, dir)?,
        Format::Kuzu => kuzu::write_dir(graph, dir)?,
        other => bail!("the {} format writes one file, not a folder", other.name()),
    }
    std::fs::write(dir.join(FOLDER_MARKER), format!("{}\n", format.name()))
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    Ok(())
}

/// Writes the graph to `output` in `format`. Files are written to a temporary
/// file beside the target and renamed, folders to a temporary folder beside
/// the target and renamed, so a failure never leaves half an export.
pub fn write_graph(graph: &KnowledgeGraph, format: Format, output: &Output) -> Result<()> {
    match output {
        Output::Stdout => {
            if format.is_folder() {
                bail!(
                    "the {} format writes a folder: give --output DIR",
                    format.name()
                );
            }
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            write_stream(graph, format, &mut lock)?;
            lock.flush()?;
            Ok(())
        }
        Output::Path(path) => {
            if format.is_folder() {
                write_folder_atomic(path, |dir| write_folder(graph, format, dir))
            } else {
                write_atomic(path, |w| write_stream(graph, format, w))
            }
        }
    }
}

/// The file that marks a folder written by a folder export, so that a later
/// export may replace it (and never a folder of the user's).
pub const FOLDER_MARKER: &str = ".newsgraph-export";

/// The files a folder export may contain: anything else means the folder is
/// not (only) ours.
const FOLDER_FILES: [&str; 9] = [
    FOLDER_MARKER,
    "README.md",
    "nodes.csv",
    "relationships.csv",
    "import.sh",
    "fixup.cypher",
    "entities.csv",
    "relations.csv",
    "load.cypher",
];

/// Whether `dir` may be replaced: empty, or an earlier folder export that
/// holds nothing else (a database created inside it, say, stops that).
fn replaceable(dir: &Path) -> Result<bool> {
    let mut marked = false;
    let mut empty = true;
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        empty = false;
        let name = entry.file_name();
        let known = name.to_str().is_some_and(|n| FOLDER_FILES.contains(&n));
        if !known || !entry.file_type()?.is_file() {
            return Ok(false);
        }
        marked |= name == FOLDER_MARKER;
    }
    Ok(empty || marked)
}

/// Writes a folder atomically: into a temporary folder beside the target,
/// then renamed into place. An existing target is replaced only when it is
/// empty or an earlier export (see [`FOLDER_MARKER`]).
pub fn write_folder_atomic(path: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a folder name", path.display()))?
        .to_string_lossy()
        .into_owned();
    let existing = match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            if !replaceable(path)? {
                bail!(
                    "{} already exists and holds files that newsgraph did not write: choose another --output or remove it",
                    path.display()
                );
            }
            true
        }
        Ok(_) => bail!("{} exists and is not a folder", path.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create folder {}", parent.display()))?;
    sweep_stale(&parent);
    let tmp = builder(true)
        .prefix(&temp_prefix(&name))
        .tempdir_in(&parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    fill(tmp.path())?;
    if existing {
        // Move the old folder aside first: rename cannot replace a folder.
        let old = tempfile::Builder::new()
            .prefix(&temp_prefix(&format!("{name}.old")))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot write in {}", parent.display()))?;
        let aside = old.path().join("old");
        std::fs::rename(path, &aside)
            .with_context(|| format!("cannot replace {}", path.display()))?;
        if let Err(e) = std::fs::rename(tmp.path(), path) {
            let _ = std::fs::rename(&aside, path);
            return Err(e).with_context(|| format!("cannot write {}", path.display()));
        }
        drop(old);
    } else {
        std::fs::rename(tmp.path(), path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    // The temporary folder now lives at `path`: keep it.
    let _ = tmp.keep();
    Ok(())
}

/// Every temporary file and folder newsgraph writes beside an output starts
/// with this, then the writing process's id: a run killed before its rename
/// leaves one behind, and the next run into that folder removes it.
pub const TEMP_PREFIX: &str = ".newsgraph-tmp-";

fn temp_prefix(name: &str) -> String {
    format!("{TEMP_PREFIX}{}-{name}.", std::process::id())
}

/// Removes the temporaries in `dir` that runs no longer alive left behind
/// (killed before they could rename them into place). Where process ids
/// cannot be checked (no /proc), those older than a day are removed.
pub fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let proc_fs = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let stale = if pid == std::process::id() {
            false
        } else if proc_fs {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 3600)
        };
        if stale {
            let path = entry.path();
            let _ = match entry.file_type() {
                Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
                _ => std::fs::remove_file(&path),
            };
        }
    }
}

/// A temporary file or folder builder whose result gets the usual
/// permissions (0666 or 0777 less the umask), not tempfile's owner-only ones:
/// it is renamed into place as the user's output.
fn builder(folder: bool) -> tempfile::Builder<'static, 'static> {
    #[allow(unused_mut)]
    let mut b = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if folder { 0o777 } else { 0o666 };
        b.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = folder;
    b
}

/// Writes a file atomically: into a temporary file in the same folder, then
/// renamed over the target.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    sweep_stale(&dir);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = builder(false)
        .prefix(&temp_prefix(&name))
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    {
        let mut buf = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut buf)?;
        buf.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_runs_temporaries_are_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        // No process has an id this large (Linux caps them at 2^22).
        let stale_file = dir
            .path()
            .join(format!("{TEMP_PREFIX}999999999-graph.json.a1b2"));
        let stale_dir = dir.path().join(format!("{TEMP_PREFIX}999999999-kuzu.c3d4"));
        std::fs::write(&stale_file, "half a graph").unwrap();
        std::fs::create_dir(&stale_dir).unwrap();
        std::fs::write(stale_dir.join("nodes.csv"), "x").unwrap();
        // One of this (live) process's, and a file of the user's.
        let live = dir.path().join(format!(
            "{TEMP_PREFIX}{}-other.json.e5f6",
            std::process::id()
        ));
        std::fs::write(&live, "in progress").unwrap();
        std::fs::write(dir.path().join(".newsgraph-notes"), "mine").unwrap();
        write_atomic(&dir.path().join("graph.json"), |w| {
            w.write_all(b"{}")?;
            Ok(())
        })
        .unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![
                ".newsgraph-notes".to_string(),
                format!("{TEMP_PREFIX}{}-other.json.e5f6", std::process::id()),
                "graph.json".to_string()
            ]
        );
    }
}
