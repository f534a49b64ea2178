//! Word clusters and capitalisation statistics learned from unlabelled news.
//!
//! Clusters: every frequent word gets a vector of positive PMI with its left
//! and right neighbours (top context words only), randomly projected to a
//! small dense space; spherical k-means groups the words into leaf clusters,
//! and k-means over the leaf centroids gives two coarser levels, so each
//! word has a cluster id at three granularities (like Brown-cluster path
//! prefixes). Capitalisation: for each lowercased word, how often it is
//! capitalised when it is not sentence-initial, bucketed; this tells the NER
//! whether a sentence-initial or all-caps word is a name.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::nlp::ner::{lowercase_into, normalize_into, token_key, IdBuild};

/// Bucket returned by [`Lexicon::cap_bucket`] for words never seen.
pub const CAP_UNKNOWN: u8 = 7;

/// Lookup tables used as NER features.
#[derive(Clone, Default)]
pub struct Lexicon {
    clusters: HashMap<u64, [u32; 3], IdBuild>,
    caps: HashMap<u64, u8, IdBuild>,
    data: LexiconData,
}

/// Serialized form of a [`Lexicon`].
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct LexiconData {
    /// Clustered words (normalized, case kept).
    pub words: Vec<String>,
    /// Leaf cluster of each word.
    pub leaf: Vec<u16>,
    /// For each leaf cluster: its (middle, coarse) ancestors.
    pub parents: Vec<(u16, u16)>,
    /// Lowercased words with capitalisation statistics.
    pub cap_words: Vec<String>,
    /// Capitalisation bucket of each of `cap_words`.
    pub cap_bucket: Vec<u8>,
}

impl LexiconData {
    /// Only the cluster tables (the tagger and parser do not use the
    /// capitalisation statistics).
    pub fn clusters_only(&self) -> LexiconData {
        LexiconData {
            words: self.words.clone(),
            leaf: self.leaf.clone(),
            parents: self.parents.clone(),
            cap_words: Vec::new(),
            cap_bucket: Vec::new(),
        }
    }
}

impl Lexicon {
    /// Builds the lookup maps.
    pub fn from_data(d: &LexiconData) -> Lexicon {
        let mut clusters = HashMap::with_capacity_and_hasher(d.words.len(), IdBuild::default());
        for (w, &leaf) in d.words.iter().zip(&d.leaf) {
            if let Some(&(mid, coarse)) = d.parents.get(leaf as usize) {
                clusters.insert(token_key(w), [leaf as u32, mid as u32, coarse as u32]);
            }
        }
        let mut caps = HashMap::with_capacity_and_hasher(d.cap_words.len(), IdBuild::default());
        for (w, &b) in d.cap_words.iter().zip(&d.cap_bucket) {
            caps.insert(token_key(w), b);
        }
        Lexicon {
            clusters,
            caps,
            data: d.clone(),
        }
    }

    /// The serializable data.
    pub fn to_data(&self) -> LexiconData {
        self.data.clone()
    }

    /// Cluster ids (leaf, middle, coarse) of a word, by the key of its
    /// normalized form.
    #[inline]
    pub fn cluster(&self, norm_key: u64) -> Option<[u32; 3]> {
        self.clusters.get(&norm_key).copied()
    }

    /// Cluster ids (leaf, middle, coarse) of a word: its normalized form,
    /// else its lowercased form; `None` if neither was clustered.
    #[inline]
    pub fn word_clusters(&self, word: &str, buf: &mut String) -> Option<[u32; 3]> {
        if self.clusters.is_empty() {
            return None;
        }
        normalize_into(word, buf);
        self.cluster(token_key(buf)).or_else(|| {
            lowercase_into(word, buf);
            self.cluster(token_key(buf))
        })
    }

    /// Capitalisation bucket of a word ([`CAP_UNKNOWN`] if never seen).
    #[inline]
    pub fn word_cap_bucket(&self, word: &str, buf: &mut String) -> u8 {
        if self.caps.is_empty() {
            return CAP_UNKNOWN;
        }
        lowercase_into(word, buf);
        self.cap_bucket(token_key(buf))
    }

    /// Capitalisation bucket of a word, by the key of its lowercased form.
    #[inline]
    pub fn cap_bucket(&self, lower_key: u64) -> u8 {
        self.caps.get(&lower_key).copied().unwrap_or(CAP_UNKNOWN)
    }

    /// Number of clustered words.
    pub fn num_words(&self) -> usize {
        self.data.words.len()
    }

    /// Loads a lexicon written by [`Lexicon::save`].
    pub fn load(path: &Path) -> Result<Lexicon> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let raw = zstd::stream::decode_all(&bytes[..])
            .with_context(|| format!("decompressing {}", path.display()))?;
        let d: LexiconData =
            postcard::from_bytes(&raw).with_context(|| format!("decoding {}", path.display()))?;
        if d.words.len() != d.leaf.len() || d.cap_words.len() != d.cap_bucket.len() {
            bail!("{}: inconsistent lexicon tables", path.display());
        }
        Ok(Lexicon::from_data(&d))
    }

    /// Writes the lexicon (postcard + zstd).
    pub fn save(&self, path: &Path) -> Result<()> {
        let raw = postcard::to_stdvec(&self.data)?;
        let bytes = zstd::stream::encode_all(&raw[..], 19)?;
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
    }
}

// ---------------------------------------------------------------------------
// Tokenizer (PTB-like, good enough for collecting statistics)

const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "jr", "sr", "st", "gov", "sen", "rep", "lt", "gen", "col", "co",
    "corp", "inc", "ltd", "vs", "no", "mt", "ft", "jan", "feb", "aug", "sept", "sep", "oct", "nov",
    "dec", "capt", "sgt", "prof", "rev", "u.s", "u.k", "u.n", "a.m", "p.m", "d.c", "calif", "fla",
    "mass", "wash", "pa", "va",
];

fn is_open_punct(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '{' | '\u{201c}' | '\u{2018}')
}

fn is_close_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '"' | '\'' | '\u{201d}' | '\u{2019}'
    )
}

/// Splits text into PTB-style tokens (punctuation separate, `'s` and `n't`
/// split off), appending slices of `text` to `out`.
pub fn tokenize<'a>(text: &'a str, out: &mut Vec<&'a str>) {
    for chunk in text.split(|c: char| c.is_whitespace() || c == '\u{2014}') {
        tokenize_chunk(chunk, out);
    }
}

fn tokenize_chunk<'a>(mut s: &'a str, out: &mut Vec<&'a str>) {
    if let Some(i) = s.find("--") {
        tokenize_chunk(&s[..i], out);
        out.push("--");
        tokenize_chunk(&s[i + 2..], out);
        return;
    }
    while let Some(c) = s.chars().next() {
        if s.len() > c.len_utf8() && is_open_punct(c) {
            out.push(&s[..c.len_utf8()]);
            s = &s[c.len_utf8()..];
        } else {
            break;
        }
    }
    if s.is_empty() {
        return;
    }
    let mut trail: Vec<&'a str> = Vec::new();
    while let Some(c) = s.chars().next_back() {
        let cl = c.len_utf8();
        if s.len() <= cl || !is_close_punct(c) {
            break;
        }
        let body = &s[..s.len() - cl];
        if c == '.' {
            let lb = body.to_ascii_lowercase();
            let single_letter =
                body.chars().count() == 1 && body.chars().all(|c| c.is_alphabetic());
            if body.contains('.') || single_letter || ABBREV.contains(&lb.as_str()) {
                break;
            }
        }
        trail.push(&s[s.len() - cl..]);
        s = body;
    }
    // Clitics.
    let lower_end = |suffix: &str| s.len() > suffix.len() && s.to_lowercase().ends_with(suffix);
    let mut clitic = None;
    for suf in [
        "n't",
        "n\u{2019}t",
        "'s",
        "\u{2019}s",
        "'re",
        "'ve",
        "'ll",
        "'d",
        "'m",
    ] {
        if lower_end(suf) && s.is_char_boundary(s.len() - suf.len()) {
            clitic = Some(s.len() - suf.len());
            break;
        }
    }
    match clitic {
        Some(i) => {
            out.push(&s[..i]);
            out.push(&s[i..]);
        }
        None => out.push(s),
    }
    out.extend(trail.into_iter().rev());
}

// ---------------------------------------------------------------------------
// Learning

/// Clustering settings.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// Words seen fewer times are not clustered.
    pub min_count: u32,
    /// At most this many words are clustered (most frequent first).
    pub max_words: usize,
    /// Number of context words (most frequent) on each side.
    pub contexts: usize,
    /// Dimension of the random projection.
    pub dim: usize,
    /// Leaf / middle / coarse cluster counts.
    pub k: [usize; 3],
    /// k-means iterations.
    pub iterations: usize,
    /// Minimum non-initial occurrences for a capitalisation statistic.
    pub cap_min_count: u32,
    /// Seed for the projection and k-means initialisation.
    pub seed: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            min_count: 10,
            max_words: 60_000,
            contexts: 1000,
            dim: 100,
            k: [1000, 200, 40],
            iterations: 15,
            cap_min_count: 3,
            seed: 11,
        }
    }
}

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Reads the `text` column of a news CSV file.
pub fn read_news_csv(path: &Path) -> Result<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: reading header", path.display()))?
        .clone();
    let Some(col) = headers.iter().position(|h| h == "text") else {
        bail!("{}: no `text` column in header", path.display());
    };
    let mut texts = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: CSV record {}", path.display(), i + 1))?;
        if let Some(t) = rec.get(col) {
            texts.push(t.to_string());
        }
    }
    Ok(texts)
}

/// Learns a [`Lexicon`] from raw texts (one string per article).
pub fn learn(texts: &[String], cfg: &ClusterConfig, mut log: impl FnMut(&str)) -> Result<Lexicon> {
    // Pass 1: tokenize, map normalized forms to ids, collect case statistics.
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut forms: Vec<String> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut stream: Vec<u32> = Vec::new();
    let mut caps: HashMap<String, [u32; 2]> = HashMap::new();
    let mut toks = Vec::new();
    let mut norm = String::new();
    let mut lower = String::new();
    const BREAK: u32 = u32::MAX;
    for text in texts {
        for para in text.split('\n') {
            toks.clear();
            tokenize(para, &mut toks);
            let mut initial = true;
            for t in &toks {
                normalize_into(t, &mut norm);
                let id = match ids.get(norm.as_str()) {
                    Some(&i) => i,
                    None => {
                        let i = forms.len() as u32;
                        ids.insert(norm.clone(), i);
                        forms.push(norm.clone());
                        counts.push(0);
                        i
                    }
                };
                counts[id as usize] += 1;
                stream.push(id);
                let first = norm.chars().next().unwrap_or(' ');
                if !initial && first.is_alphabetic() {
                    lowercase_into(t, &mut lower);
                    let slot = first.is_uppercase() as usize;
                    match caps.get_mut(lower.as_str()) {
                        Some(c) => c[slot] += 1,
                        None => {
                            let mut c = [0; 2];
                            c[slot] = 1;
                            caps.insert(lower.clone(), c);
                        }
                    }
                }
                initial = matches!(
                    norm.as_str(),
                    "." | "!" | "?" | ":" | "\"" | "'" | "(" | "-" | "--" | ";"
                );
            }
            stream.push(BREAK);
        }
    }
    log(&format!(
        "{} tokens, {} distinct forms",
        stream.len(),
        forms.len()
    ));

    // Capitalisation buckets.
    let mut cap_entries: Vec<(String, u8)> = caps
        .into_iter()
        .filter(|(_, c)| c[0] + c[1] >= cfg.cap_min_count)
        .map(|(w, c)| {
            let r = c[1] as f64 / (c[0] + c[1]) as f64;
            let b = match r {
                r if r < 0.02 => 0,
                r if r < 0.2 => 1,
                r if r < 0.5 => 2,
                r if r < 0.8 => 3,
                r if r < 0.98 => 4,
                _ => 5,
            };
            // Rare words get their own buckets: the ratio is less reliable.
            let b = if c[0] + c[1] < 20 { b + 8 } else { b };
            (w, b)
        })
        .collect();
    cap_entries.sort();

    // Vocabulary to cluster and context words, by frequency (ties by form).
    let mut by_freq: Vec<u32> = (0..forms.len() as u32).collect();
    by_freq.sort_by(|&a, &b| {
        counts[b as usize]
            .cmp(&counts[a as usize])
            .then_with(|| forms[a as usize].cmp(&forms[b as usize]))
    });
    let vocab: Vec<u32> = by_freq
        .iter()
        .copied()
        .filter(|&i| {
            counts[i as usize] >= cfg.min_count
                && forms[i as usize].chars().any(|c| c.is_alphanumeric())
        })
        .take(cfg.max_words)
        .collect();
    let nc = cfg.contexts.min(by_freq.len());
    let mut row_of = vec![u32::MAX; forms.len()];
    for (r, &i) in vocab.iter().enumerate() {
        row_of[i as usize] = r as u32;
    }
    let mut ctx_of = vec![u32::MAX; forms.len()];
    for (c, &i) in by_freq.iter().take(nc).enumerate() {
        ctx_of[i as usize] = c as u32;
    }
    let nv = vocab.len();
    let dims = 2 * nc + 2; // left/right contexts + sentence boundary on each side
    log(&format!("clustering {nv} words with {dims} context dims"));

    // Pass 2: co-occurrence counts (dense; nv * dims u32).
    let mut co = vec![0u32; nv * dims];
    let mut ctx_tot = vec![0u64; dims];
    let ctx_index = |id: u32, right: bool| -> Option<usize> {
        let base = if right { nc + 1 } else { 0 };
        if id == BREAK {
            Some(base + nc)
        } else {
            let c = ctx_of[id as usize];
            (c != u32::MAX).then(|| base + c as usize)
        }
    };
    for p in 0..stream.len() {
        let id = stream[p];
        if id == BREAK {
            continue;
        }
        let r = row_of[id as usize];
        if r == u32::MAX {
            continue;
        }
        let left = if p > 0 { stream[p - 1] } else { BREAK };
        let right = stream.get(p + 1).copied().unwrap_or(BREAK);
        for (cid, is_right) in [(left, false), (right, true)] {
            if let Some(d) = ctx_index(cid, is_right) {
                co[r as usize * dims + d] += 1;
                ctx_tot[d] += 1;
            }
        }
    }
    drop(stream);

    // PPMI (context distribution smoothed with exponent 0.75) as CSR rows.
    let ctx_s: Vec<f64> = ctx_tot.iter().map(|&c| (c as f64).powf(0.75)).collect();
    let ctx_sum: f64 = ctx_s.iter().sum();
    let rows: Vec<Vec<(u32, f32)>> = co
        .par_chunks(dims)
        .map(|row| {
            let tot: f64 = row.iter().map(|&c| c as f64).sum();
            let mut v = Vec::new();
            for (d, &c) in row.iter().enumerate() {
                if c > 0 {
                    let pmi = ((c as f64 / tot) / (ctx_s[d] / ctx_sum)).ln();
                    if pmi > 0.0 {
                        v.push((d as u32, pmi as f32));
                    }
                }
            }
            v
        })
        .collect();
    drop(co);
    let mut seed = cfg.seed;
    let dim = cfg.dim;
    let emb = svd_embed(&rows, dims, dim, &mut seed);
    log("embedded");

    // Leaf clusters over words, then coarser levels over leaf centroids.
    let leaf_k = cfg.k[0].min(nv.max(1));
    let (leaf, leaf_cent) = kmeans(&emb, dim, leaf_k, cfg.iterations, &mut seed);
    let (mid_of_leaf, mid_cent) = kmeans(
        &leaf_cent,
        dim,
        cfg.k[1].min(leaf_k),
        cfg.iterations,
        &mut seed,
    );
    let mid_k = mid_cent.len() / dim;
    let (coarse_of_mid, _) = kmeans(
        &mid_cent,
        dim,
        cfg.k[2].min(mid_k),
        cfg.iterations,
        &mut seed,
    );
    let parents: Vec<(u16, u16)> = mid_of_leaf
        .iter()
        .map(|&m| (m as u16, coarse_of_mid[m as usize] as u16))
        .collect();

    let words: Vec<String> = vocab.iter().map(|&i| forms[i as usize].clone()).collect();
    let data = LexiconData {
        words,
        leaf: leaf.iter().map(|&l| l as u16).collect(),
        parents,
        cap_words: cap_entries.iter().map(|e| e.0.clone()).collect(),
        cap_bucket: cap_entries.iter().map(|e| e.1).collect(),
    };
    Ok(Lexicon::from_data(&data))
}

/// `y = A x` for CSR `a` (rows) and row-major `x` (`ncols x m`).
fn csr_mul(a: &[Vec<(u32, f32)>], x: &[f32], m: usize) -> Vec<f32> {
    a.par_iter()
        .flat_map_iter(|row| {
            let mut y = vec![0f32; m];
            for &(c, v) in row {
                for (o, &xi) in y.iter_mut().zip(&x[c as usize * m..(c as usize + 1) * m]) {
                    *o += v * xi;
                }
            }
            y
        })
        .collect()
}

/// `Aᵀ y` for CSR `a` and row-major `y` (`nrows x m`); result `ncols x m`.
fn csr_tmul(a: &[Vec<(u32, f32)>], y: &[f32], ncols: usize, m: usize) -> Vec<f32> {
    let mut z = vec![0f32; ncols * m];
    for (r, row) in a.iter().enumerate() {
        let yr = &y[r * m..(r + 1) * m];
        for &(c, v) in row {
            for (o, &yi) in z[c as usize * m..(c as usize + 1) * m].iter_mut().zip(yr) {
                *o += v * yi;
            }
        }
    }
    z
}

/// Orthonormalizes the columns of row-major `y` (`n x m`) by Cholesky QR,
/// done twice for stability.
fn orthonormalize(y: &mut [f32], m: usize) {
    for _ in 0..2 {
        let mut g = vec![0f64; m * m];
        for row in y.chunks_exact(m) {
            for i in 0..m {
                let ri = row[i] as f64;
                for j in i..m {
                    g[i * m + j] += ri * row[j] as f64;
                }
            }
        }
        let trace: f64 = (0..m).map(|i| g[i * m + i]).sum();
        // Cholesky G = Rᵀ R (upper R), with a tiny ridge against rank loss.
        let mut r = vec![0f64; m * m];
        for i in 0..m {
            for j in i..m {
                let mut s = g[i * m + j]
                    + if i == j {
                        1e-9 * trace / m as f64 + 1e-30
                    } else {
                        0.0
                    };
                for k in 0..i {
                    s -= r[k * m + i] * r[k * m + j];
                }
                r[i * m + j] = if i == j {
                    s.max(1e-30).sqrt()
                } else {
                    s / r[i * m + i]
                };
            }
        }
        // y <- y R^-1, row by row (forward substitution).
        let mut tmp = vec![0f64; m];
        for row in y.chunks_exact_mut(m) {
            for j in 0..m {
                let mut s = row[j] as f64;
                for k in 0..j {
                    s -= tmp[k] * r[k * m + j];
                }
                tmp[j] = s / r[j * m + j];
            }
            for (o, &t) in row.iter_mut().zip(&tmp) {
                *o = t as f32;
            }
        }
    }
}

/// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations.
/// Returns eigenvalues and column eigenvectors (row-major `m x m`).
fn jacobi_eigen(mut a: Vec<f64>, m: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0f64; m * m];
    for i in 0..m {
        v[i * m + i] = 1.0;
    }
    for _sweep in 0..50 {
        let off: f64 = (0..m)
            .flat_map(|i| (0..m).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * m + j].powi(2))
            .sum();
        if off < 1e-18 {
            break;
        }
        for p in 0..m {
            for q in p + 1..m {
                let apq = a[p * m + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * m + q] - a[p * m + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..m {
                    let (akp, akq) = (a[k * m + p], a[k * m + q]);
                    a[k * m + p] = c * akp - s * akq;
                    a[k * m + q] = s * akp + c * akq;
                }
                for k in 0..m {
                    let (apk, aqk) = (a[p * m + k], a[q * m + k]);
                    a[p * m + k] = c * apk - s * aqk;
                    a[q * m + k] = s * apk + c * aqk;
                }
                for k in 0..m {
                    let (vkp, vkq) = (v[k * m + p], v[k * m + q]);
                    v[k * m + p] = c * vkp - s * vkq;
                    v[k * m + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..m).map(|i| a[i * m + i]).collect(), v)
}

/// Rank-`k` embedding `U Σ^½` of the CSR matrix by randomized SVD (one power
/// iteration), rows L2-normalized.
fn svd_embed(a: &[Vec<(u32, f32)>], ncols: usize, k: usize, seed: &mut u64) -> Vec<f32> {
    let m = (k + 20).min(ncols).min(a.len().max(1));
    let omega: Vec<f32> = (0..ncols * m)
        .map(|_| if splitmix(seed) & 1 == 0 { 1.0 } else { -1.0 })
        .collect();
    let mut y = csr_mul(a, &omega, m);
    orthonormalize(&mut y, m);
    let mut z = csr_tmul(a, &y, ncols, m);
    orthonormalize(&mut z, m);
    let mut q = csr_mul(a, &z, m);
    orthonormalize(&mut q, m);
    // B = Qᵀ A; eigen-decompose B Bᵀ = W Λ Wᵀ; left singular vectors = Q W.
    let bt = csr_tmul(a, &q, ncols, m);
    let mut c = vec![0f64; m * m];
    for row in bt.chunks_exact(m) {
        for i in 0..m {
            for j in 0..m {
                c[i * m + j] += row[i] as f64 * row[j] as f64;
            }
        }
    }
    let (lam, w) = jacobi_eigen(c, m);
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&x, &y| lam[y].total_cmp(&lam[x]));
    let kk = k.min(m);
    // Projection matrix P (m x kk) = W[:, top] * sigma^(1/2), sigma = sqrt(lambda).
    let mut p = vec![0f32; m * kk];
    for (col, &e) in order.iter().take(kk).enumerate() {
        let scale = lam[e].max(0.0).powf(0.25);
        for i in 0..m {
            p[i * kk + col] = (w[i * m + e] * scale) as f32;
        }
    }
    let mut emb: Vec<f32> = q
        .par_chunks(m)
        .flat_map_iter(|row| {
            let mut out = vec![0f32; kk];
            for (i, &qi) in row.iter().enumerate() {
                for (o, &pv) in out.iter_mut().zip(&p[i * kk..(i + 1) * kk]) {
                    *o += qi * pv;
                }
            }
            out
        })
        .collect();
    for v in emb.chunks_exact_mut(kk) {
        normalize(v);
    }
    emb
}

fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            *x /= n;
        }
    }
}

/// Spherical k-means; returns the assignment of each point and the centroids.
fn kmeans(
    points: &[f32],
    dim: usize,
    k: usize,
    iters: usize,
    seed: &mut u64,
) -> (Vec<u32>, Vec<f32>) {
    let n = points.len() / dim;
    if n == 0 || k == 0 {
        return (vec![0; n], vec![0.0; dim]);
    }
    // Initial centroids: distinct points in a seeded random order.
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (splitmix(seed) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut cent: Vec<f32> = order[..k]
        .iter()
        .flat_map(|&i| points[i * dim..(i + 1) * dim].iter().copied())
        .collect();
    let mut assign = vec![0u32; n];
    for _ in 0..iters {
        assign = points
            .par_chunks(dim)
            .map(|p| {
                let mut best = f32::NEG_INFINITY;
                let mut arg = 0u32;
                for (c, cv) in cent.chunks_exact(dim).enumerate() {
                    let s: f32 = p.iter().zip(cv).map(|(a, b)| a * b).sum();
                    if s > best {
                        best = s;
                        arg = c as u32;
                    }
                }
                arg
            })
            .collect();
        let mut sums = vec![0f32; k * dim];
        let mut sizes = vec![0usize; k];
        for (i, &a) in assign.iter().enumerate() {
            sizes[a as usize] += 1;
            for (s, &x) in sums[a as usize * dim..(a as usize + 1) * dim]
                .iter_mut()
                .zip(&points[i * dim..(i + 1) * dim])
            {
                *s += x;
            }
        }
        for c in 0..k {
            if sizes[c] == 0 {
                // Re-seed an empty cluster with a random point.
                let i = (splitmix(seed) % n as u64) as usize;
                sums[c * dim..(c + 1) * dim].copy_from_slice(&points[i * dim..(i + 1) * dim]);
            }
            normalize(&mut sums[c * dim..(c + 1) * dim]);
        }
        cent = sums;
    }
    (assign, cent)
}
