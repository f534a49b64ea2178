//! Sparse multi-class averaged perceptron shared by the tagger and parser.
//!
//! Features are 64-bit hashes (template id + string slices hashed directly, no
//! allocation). Each feature owns a short sparse row of `(class, weight)`
//! pairs, so frequent features touch many classes and rare ones only a few.
//! Training keeps exact integer weights plus the "timestamp" accumulators for
//! averaging; the shipped [`Weights`] hold only averaged weights quantized to
//! `i16`, in an open-addressing table keyed by the full 64-bit hash.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// FxHash-style incremental hasher for feature keys.
#[derive(Clone, Copy, Debug)]
pub struct Fx(pub u64);

impl Fx {
    /// Starts a hash for feature template `template`.
    #[inline]
    pub fn new(template: u64) -> Fx {
        Fx(template.wrapping_mul(K))
    }
    /// Mixes in one integer.
    #[inline]
    pub fn u(self, x: u64) -> Fx {
        Fx((self.0.rotate_left(5) ^ x).wrapping_mul(K))
    }
    /// Mixes in a string slice (length-delimited, so "ab"+"c" != "a"+"bc").
    #[inline]
    pub fn s(self, s: &str) -> Fx {
        let mut h = self.u(s.len() as u64);
        let b = s.as_bytes();
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            h = h.u(u64::from_le_bytes(a));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut a = [0u8; 8];
            a[..rest.len()].copy_from_slice(rest);
            h = h.u(u64::from_le_bytes(a));
        }
        h
    }
    /// Final avalanche (murmur3 fmix64) so that low bits index tables well;
    /// never returns 0, which marks empty slots.
    #[inline]
    pub fn done(self) -> u64 {
        let mut k = self.0;
        k ^= k >> 33;
        k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
        k ^= k >> 33;
        k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        k ^= k >> 33;
        k.max(1)
    }
}

/// Hashes a whole string once (used to pre-hash word forms per sentence).
#[inline]
pub fn hash_str(s: &str) -> u64 {
    Fx::new(0x9e37).s(s).0
}

/// Identity hasher for maps keyed by already-mixed feature hashes.
#[derive(Default, Clone, Copy)]
pub struct NoHash(u64);
impl Hasher for NoHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(K);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
}
/// Build-hasher for [`NoHash`].
pub type BuildNoHash = BuildHasherDefault<NoHash>;

/// Small deterministic PRNG (SplitMix64) for shuffling and exploration.
#[derive(Clone, Debug)]
pub struct Rng(u64);
impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n.max(1) as u64) as usize
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Anything that can score feature vectors into per-class integer scores.
pub trait Scorer {
    /// Adds the weights of `feats` to `scores` (one slot per class).
    fn score(&self, feats: &[u64], scores: &mut [i32]);
}

#[derive(Clone, Copy, Debug)]
struct TrainEntry {
    class: u16,
    w: i32,
    stamp: u32,
    total: i64,
}

/// Training-time perceptron with exact integer weights and averaging state.
#[derive(Debug)]
pub struct Trainer {
    n_classes: usize,
    rows: HashMap<u64, Vec<TrainEntry>, BuildNoHash>,
    /// Number of training instances seen (the averaging clock).
    time: u32,
}

impl Trainer {
    /// Empty model over `n_classes` classes.
    pub fn new(n_classes: usize) -> Trainer {
        Trainer {
            n_classes,
            rows: HashMap::default(),
            time: 0,
        }
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Advances the averaging clock by one instance.
    #[inline]
    pub fn tick(&mut self) {
        self.time += 1;
    }

    fn bump(&mut self, f: u64, class: u16, delta: i32) {
        let time = self.time;
        let row = self.rows.entry(f).or_default();
        let e = match row.iter_mut().position(|e| e.class == class) {
            Some(i) => &mut row[i],
            None => {
                row.push(TrainEntry {
                    class,
                    w: 0,
                    stamp: time,
                    total: 0,
                });
                row.last_mut().expect("just pushed")
            }
        };
        e.total += (time - e.stamp) as i64 * e.w as i64;
        e.stamp = time;
        e.w += delta;
    }

    /// Standard perceptron update: reward `gold`'s features, punish `pred`'s.
    pub fn update(&mut self, gold_feats: &[u64], gold: usize, pred_feats: &[u64], pred: usize) {
        if gold == pred && gold_feats == pred_feats {
            return;
        }
        for &f in gold_feats {
            self.bump(f, gold as u16, 1);
        }
        for &f in pred_feats {
            self.bump(f, pred as u16, -1);
        }
    }

    /// Averaged weights of every feature, sorted by key and class.
    fn averaged_rows(&self) -> Vec<(u64, Vec<(u16, f64)>)> {
        let t = self.time.max(1) as f64;
        let mut keys: Vec<u64> = self.rows.keys().copied().collect();
        keys.sort_unstable();
        keys.into_iter()
            .map(|k| {
                let mut row: Vec<(u16, f64)> = self.rows[&k]
                    .iter()
                    .map(|e| {
                        let tot = e.total + (self.time - e.stamp) as i64 * e.w as i64;
                        (e.class, tot as f64 / t)
                    })
                    .collect();
                row.sort_unstable_by_key(|e| e.0);
                (k, row)
            })
            .collect()
    }

    /// Averaged, quantized weights; entries whose average rounds to zero are
    /// pruned. `min_abs` prunes averaged weights below that magnitude first.
    pub fn average(&self, min_abs: f64) -> Weights {
        quantize(self.n_classes, self.averaged_rows(), min_abs)
    }

    /// The mean of the averaged weights of several models over the same
    /// classes (trained e.g. with different seeds), quantized as by
    /// [`Trainer::average`].
    pub fn average_many(models: &[Trainer], min_abs: f64) -> Weights {
        let n_classes = models.iter().map(|m| m.n_classes).max().unwrap_or(0);
        let mut sum: BTreeMap<u64, BTreeMap<u16, f64>> = BTreeMap::new();
        for m in models {
            for (k, row) in m.averaged_rows() {
                let r = sum.entry(k).or_default();
                for (c, a) in row {
                    *r.entry(c).or_default() += a;
                }
            }
        }
        let n = models.len().max(1) as f64;
        let rows = sum
            .into_iter()
            .map(|(k, r)| (k, r.into_iter().map(|(c, a)| (c, a / n)).collect()))
            .collect();
        quantize(n_classes, rows, min_abs)
    }
}

fn quantize(n_classes: usize, rows: Vec<(u64, Vec<(u16, f64)>)>, min_abs: f64) -> Weights {
    let mut avg: Vec<(u64, Vec<(u16, f64)>)> = Vec::with_capacity(rows.len());
    let mut max_abs = 0f64;
    for (k, row) in rows {
        let row: Vec<(u16, f64)> = row
            .into_iter()
            .filter(|&(_, a)| a.abs() >= min_abs && a != 0.0)
            .collect();
        for &(_, a) in &row {
            max_abs = max_abs.max(a.abs());
        }
        if !row.is_empty() {
            avg.push((k, row));
        }
    }
    let scale = if max_abs > 0.0 {
        32767.0 / max_abs
    } else {
        1.0
    };
    let mut data = WeightsData {
        n_classes: n_classes as u32,
        key_deltas: Vec::with_capacity(avg.len()),
        row_lens: Vec::with_capacity(avg.len()),
        classes: Vec::new(),
        values: Vec::new(),
    };
    let mut prev = 0u64;
    for (k, row) in avg {
        let mut n = 0u32;
        for (c, a) in row {
            let q = (a * scale).round();
            if q != 0.0 {
                data.classes.push(c);
                data.values.push(q.clamp(-32767.0, 32767.0) as i16);
                n += 1;
            }
        }
        if n > 0 {
            data.key_deltas.push(k - prev);
            prev = k;
            data.row_lens.push(n);
        }
    }
    Weights::from_data(data)
}

impl Scorer for Trainer {
    #[inline]
    fn score(&self, feats: &[u64], scores: &mut [i32]) {
        for f in feats {
            if let Some(row) = self.rows.get(f) {
                for e in row {
                    scores[e.class as usize] += e.w;
                }
            }
        }
    }
}

/// Compact serialized form of [`Weights`]: sorted keys as deltas (varints in
/// postcard), per-row lengths, then the flat class and value arrays.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct WeightsData {
    n_classes: u32,
    key_deltas: Vec<u64>,
    row_lens: Vec<u32>,
    classes: Vec<u16>,
    values: Vec<i16>,
}

impl WeightsData {
    /// The same weights with every class moved up by one behind a new,
    /// all-zero class 0. [`SmallWeights`] store weights relative to class 0,
    /// which keeps the argmax but not the absolute scores that beam search
    /// sums; with an empty class 0 they stay absolute.
    pub fn shifted(&self) -> WeightsData {
        WeightsData {
            n_classes: self.n_classes + 1,
            key_deltas: self.key_deltas.clone(),
            row_lens: self.row_lens.clone(),
            classes: self.classes.iter().map(|c| c + 1).collect(),
            values: self.values.clone(),
        }
    }

    /// Undoes [`WeightsData::shifted`].
    pub fn unshifted(&self) -> WeightsData {
        WeightsData {
            n_classes: self.n_classes.saturating_sub(1),
            key_deltas: self.key_deltas.clone(),
            row_lens: self.row_lens.clone(),
            classes: self.classes.iter().map(|c| c.saturating_sub(1)).collect(),
            values: self.values.clone(),
        }
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes as usize
    }

    /// Number of features (rows).
    pub fn n_rows(&self) -> usize {
        self.row_lens.len()
    }
}

/// 8-byte hash slot: a 30-bit key fingerprint (bit 1 set so that 0 means
/// empty, bit 0 flags an inline row) and either one inline `(class, weight)`
/// pair or the offset of a length-prefixed row in `entries`. Most features
/// have a single weight, so one cache line fetch usually suffices.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    fp: u32,
    data: u32,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    class: u16,
    w: i16,
}

#[inline]
fn fingerprint(key: u64) -> u32 {
    ((key >> 32) as u32 & !3) | 2
}

/// Inference weights: open-addressing table from feature hash to a sparse row.
#[derive(Clone, Debug)]
pub struct Weights {
    data: WeightsData,
    /// Features with the longest rows (the most frequent ones, which the
    /// perceptron updated for many classes); small enough to stay in cache.
    hot: Table,
    /// All other features.
    cold: Table,
    entries: Vec<Entry>,
    /// Long rows, stored densely (`stride` cache lines each) for vectorized
    /// adds.
    dense: Vec<Line>,
    stride: usize,
    /// With [`Weights::compact`]: the dense rows as `i8` times a per-row
    /// power of two, `stride` half lines each.
    dense8: Vec<Half>,
    /// Blocked Bloom filter over the cold keys (see [`SmallWeights`]).
    bloom: Vec<u64>,
}

/// 32 weights in one cache line.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
struct Line([i16; 32]);

/// 32 weights of a compact dense row in half a cache line.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
struct Half([i8; 32]);

/// Open-addressing table of [`Slot`]s.
#[derive(Clone, Debug)]
struct Table {
    mask: usize,
    slots: Vec<Slot>,
}

impl Table {
    fn new(n: usize) -> Table {
        // Load factor at most 0.5.
        let cap = (2 * n).next_power_of_two().max(16);
        Table {
            mask: cap - 1,
            slots: vec![Slot::default(); cap],
        }
    }

    fn insert(&mut self, key: u64, slot: Slot) {
        let mut i = key as usize & self.mask;
        while self.slots[i].fp != 0 {
            i = (i + 1) & self.mask;
        }
        self.slots[i] = slot;
    }

    /// Looks up `f` starting from its first slot `s`.
    #[inline]
    fn find(&self, f: u64, mut s: Slot) -> Option<Slot> {
        let fp = fingerprint(f);
        let mut i = f as usize & self.mask;
        while s.fp & !1 != fp && s.fp != 0 {
            i = (i + 1) & self.mask;
            s = self.slots[i];
        }
        (s.fp & !1 == fp).then_some(s)
    }
}

/// Most features in the hot table of [`Weights`].
const HOT: usize = 16384;

/// Flag in [`Slot::data`] for an offset into [`Weights::dense`] (or
/// [`Weights::dense8`], whose rows' shifts sit at [`SHIFT_AT`]).
const DENSE: u32 = 1 << 31;
/// Bit offset of a compact row's shift in [`Slot::data`].
const SHIFT_AT: u32 = 26;
/// The row index bits of a compact row's [`Slot::data`].
const INDEX8: u32 = (1 << SHIFT_AT) - 1;

impl Weights {
    /// Builds the lookup table from the serialized form.
    pub fn from_data(data: WeightsData) -> Weights {
        Weights::build(data, false)
    }

    /// Like [`Weights::from_data`], but for at most 128 classes the dense
    /// rows hold 8-bit weights times a per-row power of two (rounded), and
    /// more rows are dense: a quarter of the memory per class, and rows are
    /// summed in 16-bit lanes. Scores change by the rounding only (the
    /// shipped models' accuracy is unchanged to within 0.02 point); the
    /// serialized form is unchanged, so training stays exact.
    pub fn compact(data: WeightsData) -> Weights {
        Weights::build(data, true)
    }

    fn build(data: WeightsData, compact: bool) -> Weights {
        let n = data.row_lens.len();
        let nc = data.n_classes as usize;
        let stride = nc.div_ceil(32);
        let compact = compact && nc <= 128;
        // Rows: (key, start, len), hot ones (longest first) at the front.
        let mut rows: Vec<(u64, usize, usize)> = Vec::with_capacity(n);
        let mut key = 0u64;
        let mut start = 0usize;
        for (d, &len) in data.key_deltas.iter().zip(&data.row_lens) {
            key = key.wrapping_add(*d);
            rows.push((key, start, len as usize));
            start += len as usize;
        }
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let n_hot = rows.iter().take(HOT).filter(|r| r.2 > 1).count();
        let mut hot = Table::new(n_hot);
        let mut cold = Table::new(n - n_hot);
        let mut entries = Vec::with_capacity(data.classes.len() + n / 2);
        let mut dense = Vec::new();
        let mut dense8 = Vec::new();
        for (r, &(key, start, len)) in rows.iter().enumerate() {
            // A compact dense row costs a few vector adds, less than adding
            // four sparse entries one by one.
            let slot = if compact && len > 1 && nc >= 8 && len * 8 >= nc {
                let vals = &data.values[start..start + len];
                let max = vals.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0);
                let shift = (0..MAX_SHIFT as u32)
                    .find(|&k| max >> k <= 127)
                    .unwrap_or(MAX_SHIFT as u32);
                let half = if shift == 0 { 0 } else { 1i32 << (shift - 1) };
                let at = dense8.len();
                dense8.resize(at + stride, Half([0; 32]));
                for (&c, &v) in data.classes[start..start + len].iter().zip(vals) {
                    let c = c as usize;
                    dense8[at + c / 32].0[c % 32] =
                        ((v as i32 + half) >> shift).clamp(-128, 127) as i8;
                }
                let at = at as u32;
                Slot {
                    fp: fingerprint(key),
                    data: at | shift << SHIFT_AT | DENSE,
                }
            } else if len > 1 && nc >= 8 && len * 4 >= nc {
                let at = dense.len();
                dense.resize(at + stride, Line([0; 32]));
                for k in start..start + len {
                    let c = data.classes[k] as usize;
                    dense[at + c / 32].0[c % 32] = data.values[k];
                }
                Slot {
                    fp: fingerprint(key),
                    data: at as u32 | DENSE,
                }
            } else if len == 1 {
                Slot {
                    fp: fingerprint(key) | 1,
                    data: (data.classes[start] as u32) << 16 | data.values[start] as u16 as u32,
                }
            } else {
                let at = entries.len() as u32;
                entries.push(Entry {
                    class: len as u16,
                    w: (len >> 16) as i16,
                });
                entries.extend(
                    data.classes[start..start + len]
                        .iter()
                        .zip(&data.values[start..start + len])
                        .map(|(&class, &w)| Entry { class, w }),
                );
                Slot {
                    fp: fingerprint(key),
                    data: at,
                }
            };
            if r < n_hot {
                hot.insert(key, slot);
            } else {
                cold.insert(key, slot);
            }
        }
        let bloom = bloom_filter(rows[n_hot..].iter().map(|r| r.0), n - n_hot);
        Weights {
            data,
            hot,
            cold,
            entries,
            dense,
            stride,
            dense8,
            bloom,
        }
    }

    /// Checks internal consistency of deserialized data (corrupt files must
    /// not cause panics at scoring time).
    pub fn validate(data: &WeightsData) -> Result<(), String> {
        if data.key_deltas.len() != data.row_lens.len() {
            return Err("row count mismatch".into());
        }
        let total: u64 = data.row_lens.iter().map(|&l| l as u64).sum();
        if total != data.classes.len() as u64 || data.classes.len() != data.values.len() {
            return Err("entry count mismatch".into());
        }
        if data.n_classes > u16::MAX as u32
            || data.classes.iter().any(|&c| c as u32 >= data.n_classes)
        {
            return Err("class index out of range".into());
        }
        if data.row_lens.iter().any(|&l| l == 0 || l > data.n_classes) {
            return Err("bad row length".into());
        }
        let mut key = 0u64;
        for (i, &d) in data.key_deltas.iter().enumerate() {
            if d == 0 && (i > 0 || key == 0) {
                return Err("keys not strictly increasing".into());
            }
            key = key.checked_add(d).ok_or("key overflow")?;
        }
        Ok(())
    }

    /// Serializable form.
    pub fn data(&self) -> &WeightsData {
        &self.data
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.data.n_classes as usize
    }

    /// Number of stored features and non-zero weights.
    pub fn size(&self) -> (usize, usize) {
        (self.data.row_lens.len(), self.data.values.len())
    }
}

impl Weights {
    /// Adds the weights of slot `s` (inline) or queues its row.
    #[inline]
    fn take(s: Slot, scores: &mut [i32], rows: &mut [u32], nrows: &mut usize) {
        if s.fp & 1 == 1 {
            scores[(s.data >> 16) as usize] += s.data as u16 as i16 as i32;
        } else {
            rows[*nrows] = s.data;
            *nrows += 1;
        }
    }
}

/// `scores[c] += row[c]`, eight classes at a time (vectorizes).
#[inline]
fn add_dense(scores: &mut [i32], row: &[i16]) {
    let n = scores.len().min(row.len());
    let n8 = n / 8 * 8;
    for (s, w) in scores[..n8]
        .chunks_exact_mut(8)
        .zip(row[..n8].chunks_exact(8))
    {
        let s: &mut [i32; 8] = s.try_into().expect("chunk of 8");
        let w: &[i16; 8] = w.try_into().expect("chunk of 8");
        *s = std::array::from_fn(|k| s[k] + w[k] as i32);
    }
    for (s, &w) in scores[n8..n].iter_mut().zip(&row[n8..n]) {
        *s += w as i32;
    }
}

/// Largest shift of a compact row (`i16` weights fit in `i8 << 8`).
const MAX_SHIFT: usize = 8;

/// `acc += row` in 16-bit lanes (vectorizes).
#[inline]
fn add_i8(acc: &mut [i16; 32], row: &[i8; 32]) {
    *acc = std::array::from_fn(|k| acc[k].wrapping_add(row[k] as i16));
}

impl Weights {
    /// The row phases of [`Weights::score`] for compact weights.
    #[inline]
    fn add_compact<const L: usize>(&self, rows: &[u32], heads: &mut [u32], scores: &mut [i32]) {
        // Rows with the same shift are summed in 16-bit lanes (four vector
        // adds per 32 classes instead of sixteen widening ones) and widened
        // once; at most 128 rows of |w| <= 127 each cannot overflow.
        let mut acc = [[0i16; L]; MAX_SHIFT + 1];
        let mut used = 0u32;
        for (h, &at) in heads.iter_mut().zip(rows) {
            *h = if at & DENSE != 0 {
                self.dense8[(at & INDEX8) as usize].0[0] as u32
            } else {
                let e = self.entries[at as usize];
                e.class as u32 | (e.w as u16 as u32) << 16
            };
        }
        for (&len, &at) in heads.iter().zip(rows) {
            if at & DENSE != 0 {
                let shift = ((at & !DENSE) >> SHIFT_AT) as usize;
                used |= 1 << shift;
                let at = (at & INDEX8) as usize;
                let acc = &mut acc[shift.min(MAX_SHIFT)];
                for (a, half) in acc.chunks_exact_mut(32).zip(&self.dense8[at..at + L / 32]) {
                    add_i8(a.try_into().expect("32 lanes"), &half.0);
                }
            } else {
                let at = at as usize + 1;
                for e in &self.entries[at..at + len as usize] {
                    scores[e.class as usize] += e.w as i32;
                }
            }
        }
        for (shift, acc) in acc.iter().enumerate() {
            if used >> shift & 1 == 1 {
                for (s, &a) in scores.iter_mut().zip(acc) {
                    *s += (a as i32) << shift;
                }
            }
        }
    }
}

impl Scorer for Weights {
    #[inline]
    fn score(&self, feats: &[u64], scores: &mut [i32]) {
        // Phases, so that the cache misses within one phase overlap: load
        // every first slot of the hot table, resolve them, the same in the
        // cold table for the features the hot one lacks, then touch every
        // out-of-line row before summing the rows.
        const CH: usize = 128;
        let mut buf = [Slot::default(); CH];
        let mut miss = [0u64; CH];
        let mut rows = [0u32; CH];
        let mut heads = [0u32; CH];
        for chunk in feats.chunks(CH) {
            for (b, &f) in buf.iter_mut().zip(chunk) {
                *b = self.hot.slots[f as usize & self.hot.mask];
            }
            let (mut nrows, mut nmiss) = (0, 0);
            for (&f, &first) in chunk.iter().zip(&buf) {
                match self.hot.find(f, first) {
                    Some(s) => Self::take(s, scores, &mut rows, &mut nrows),
                    None => {
                        let (w, bits) = bloom_bits(f, self.bloom.len());
                        if self.bloom[w] & bits == bits {
                            miss[nmiss] = f;
                            nmiss += 1;
                        }
                    }
                }
            }
            for (b, &f) in buf.iter_mut().zip(&miss[..nmiss]) {
                *b = self.cold.slots[f as usize & self.cold.mask];
            }
            for (&f, &first) in miss[..nmiss].iter().zip(&buf) {
                if let Some(s) = self.cold.find(f, first) {
                    Self::take(s, scores, &mut rows, &mut nrows);
                }
            }
            if !self.dense8.is_empty() {
                match self.stride {
                    1 => self.add_compact::<32>(&rows[..nrows], &mut heads, scores),
                    2 => self.add_compact::<64>(&rows[..nrows], &mut heads, scores),
                    _ => self.add_compact::<128>(&rows[..nrows], &mut heads, scores),
                }
                continue;
            }
            for (h, &at) in heads.iter_mut().zip(&rows[..nrows]) {
                *h = if at & DENSE != 0 {
                    self.dense[(at & !DENSE) as usize].0[0] as u32
                } else {
                    let e = self.entries[at as usize];
                    e.class as u32 | (e.w as u16 as u32) << 16
                };
            }
            for (&len, &at) in heads[..nrows].iter().zip(&rows[..nrows]) {
                if at & DENSE != 0 {
                    let at = (at & !DENSE) as usize;
                    for (s, line) in scores.chunks_mut(32).zip(&self.dense[at..at + self.stride]) {
                        add_dense(s, &line.0);
                    }
                } else {
                    let at = at as usize + 1;
                    for e in &self.entries[at..at + len as usize] {
                        scores[e.class as usize] += e.w as i32;
                    }
                }
            }
        }
    }
}

/// Inference weights for models with at most `N` classes (the parser's
/// transitions). Each slot is `N` 16-bit words: a 16-bit key fingerprint
/// (never 0) and the weights of classes `1..N` minus that of class 0. Every
/// feature adds the same amount to all classes' scores, so subtracting one
/// class's weight from a row leaves every argmax unchanged; the scores of
/// class 0 stay 0. A slot of the four-class table is 8 bytes.
///
/// The features seen most often in training live in a separate small "hot"
/// table that stays in cache; the others are looked up in the "cold" table
/// only when the hot one lacks them.
#[derive(Clone, Debug)]
pub struct SmallWeights<const N: usize> {
    hot_data: WeightsData,
    cold_data: WeightsData,
    hot: SlotTable<N>,
    cold: SlotTable<N>,
    /// Blocked Bloom filter over the cold keys: most features missing from
    /// the hot table are missing altogether, and the filter (in cache) says
    /// so without touching the cold table.
    bloom: Vec<u64>,
}

/// Bloom-filter word and bit mask of `key` (two bits in one 64-bit word).
#[inline]
fn bloom_bits(key: u64, words: usize) -> (usize, u64) {
    let h = key.rotate_left(21).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let word = (h >> 40) as usize & (words - 1);
    (word, 1u64 << (h & 63) | 1u64 << ((h >> 6) & 63))
}

/// Filter over `n` keys: about 4 bits per key, small enough to stay in
/// cache, about 15% false positives.
fn bloom_filter(keys: impl Iterator<Item = u64>, n: usize) -> Vec<u64> {
    let words = (n / 16).next_power_of_two().max(1);
    let mut bloom = vec![0u64; words];
    for key in keys {
        let (w, bits) = bloom_bits(key, words);
        bloom[w] |= bits;
    }
    bloom
}

#[derive(Clone, Debug)]
struct SlotTable<const N: usize> {
    mask: usize,
    slots: Vec<[u16; N]>,
}

/// Dense rows of `data` with class 0's weight subtracted.
fn diff_rows<const N: usize>(data: &WeightsData) -> Vec<(u64, [i32; N])> {
    let mut rows = Vec::with_capacity(data.row_lens.len());
    let mut key = 0u64;
    let mut start = 0usize;
    for (d, &len) in data.key_deltas.iter().zip(&data.row_lens) {
        key = key.wrapping_add(*d);
        let len = len as usize;
        let mut w = [0i32; N];
        for k in start..start + len {
            w[data.classes[k] as usize] = data.values[k] as i32;
        }
        let w0 = w[0];
        for x in &mut w {
            *x -= w0;
        }
        rows.push((key, w));
        start += len;
    }
    rows
}

impl<const N: usize> SlotTable<N> {
    fn new(rows: &[(u64, [i32; N])], num: i64, den: i64, load: f64) -> SlotTable<N> {
        let n = rows.len();
        let cap = ((n as f64 / load) as usize).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut slots = vec![[0u16; N]; cap];
        for &(key, w) in rows {
            let mut slot = [0u16; N];
            slot[0] = small_fingerprint(key);
            for c in 1..N {
                // Round half away from zero, in integers (deterministic).
                let x = w[c] as i64 * num;
                let q = (x.abs() + den / 2) / den * x.signum();
                slot[c] = q as i16 as u16;
            }
            let mut i = key as usize & mask;
            while slots[i][0] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = slot;
        }
        SlotTable { mask, slots }
    }

    /// Looks up `f` starting from its first slot `s`.
    #[inline]
    fn find(&self, f: u64, mut s: [u16; N]) -> Option<[u16; N]> {
        let fp = small_fingerprint(f);
        let mut i = f as usize & self.mask;
        while s[0] != fp && s[0] != 0 {
            i = (i + 1) & self.mask;
            s = self.slots[i];
        }
        (s[0] == fp).then_some(s)
    }
}

impl<const N: usize> SmallWeights<N> {
    /// Builds the tables from the hot and cold rows; `None` if the model has
    /// more than `N` classes.
    pub fn from_parts(hot: WeightsData, cold: WeightsData) -> Option<SmallWeights<N>> {
        if hot.n_classes as usize > N || cold.n_classes as usize > N || N < 2 {
            return None;
        }
        let (h, c) = (diff_rows::<N>(&hot), diff_rows::<N>(&cold));
        // Differences to class 0 may need 17 bits; scale them down if so.
        let max_abs = h
            .iter()
            .chain(&c)
            .flat_map(|r| r.1)
            .map(i32::abs)
            .max()
            .unwrap_or(0);
        let (num, den) = if max_abs > 32767 {
            (32767i64, max_abs as i64)
        } else {
            (1, 1)
        };
        let bloom = bloom_filter(c.iter().map(|r| r.0), c.len());
        Some(SmallWeights {
            // The hot table is sparse (few probes), the cold one dense
            // (it is rarely read).
            hot: SlotTable::new(&h, num, den, 0.5),
            cold: SlotTable::new(&c, num, den, 0.7),
            hot_data: hot,
            cold_data: cold,
            bloom,
        })
    }

    /// Serializable form: hot and cold rows.
    pub fn data(&self) -> (&WeightsData, &WeightsData) {
        (&self.hot_data, &self.cold_data)
    }

    /// Number of stored features and non-zero weights.
    pub fn size(&self) -> (usize, usize) {
        let (h, c) = (&self.hot_data, &self.cold_data);
        (
            h.row_lens.len() + c.row_lens.len(),
            h.values.len() + c.values.len(),
        )
    }
}

#[inline]
fn small_fingerprint(key: u64) -> u16 {
    (key >> 48) as u16 | 1
}

impl<const N: usize> Scorer for SmallWeights<N> {
    #[inline]
    fn score(&self, feats: &[u64], scores: &mut [i32]) {
        const CH: usize = 128;
        let mut buf = [[0u16; N]; CH];
        let mut miss = [0u64; CH];
        let mut acc = [0i32; N];
        let mut add = |s: [u16; N]| {
            for (a, &w) in acc[1..].iter_mut().zip(&s[1..]) {
                *a += w as i16 as i32;
            }
        };
        for chunk in feats.chunks(CH) {
            for (b, &f) in buf.iter_mut().zip(chunk) {
                *b = self.hot.slots[f as usize & self.hot.mask];
            }
            let mut nmiss = 0;
            for (&f, &first) in chunk.iter().zip(&buf) {
                match self.hot.find(f, first) {
                    Some(s) => add(s),
                    None => {
                        let (w, bits) = bloom_bits(f, self.bloom.len());
                        if self.bloom[w] & bits == bits {
                            miss[nmiss] = f;
                            nmiss += 1;
                        }
                    }
                }
            }
            for (b, &f) in buf.iter_mut().zip(&miss[..nmiss]) {
                *b = self.cold.slots[f as usize & self.cold.mask];
            }
            for (&f, &first) in miss[..nmiss].iter().zip(&buf) {
                if let Some(s) = self.cold.find(f, first) {
                    add(s);
                }
            }
        }
        for (s, a) in scores.iter_mut().zip(acc) {
            *s += a;
        }
    }
}

impl WeightsData {
    /// Weights from rows of `(class, weight)` pairs under strictly
    /// increasing keys, each row sorted by class and without zero weights.
    pub fn from_rows<'a>(
        n_classes: usize,
        rows: impl IntoIterator<Item = (u64, &'a [(u16, i16)])>,
    ) -> WeightsData {
        let mut d = WeightsData {
            n_classes: n_classes as u32,
            key_deltas: Vec::new(),
            row_lens: Vec::new(),
            classes: Vec::new(),
            values: Vec::new(),
        };
        let mut prev = 0u64;
        for (key, row) in rows {
            if row.is_empty() {
                continue;
            }
            d.key_deltas.push(key.wrapping_sub(prev));
            prev = key;
            d.row_lens.push(row.len() as u32);
            for &(c, w) in row {
                d.classes.push(c);
                d.values.push(w);
            }
        }
        d
    }

    /// Every row: its key, classes and weights, by increasing key.
    pub fn rows(&self) -> impl Iterator<Item = (u64, &[u16], &[i16])> + '_ {
        let mut key = 0u64;
        let mut start = 0usize;
        self.key_deltas
            .iter()
            .zip(&self.row_lens)
            .map(move |(d, &len)| {
                key = key.wrapping_add(*d);
                let r = start..start + len as usize;
                start = r.end;
                (key, &self.classes[r.clone()], &self.values[r])
            })
    }

    /// Keeps the rows whose weights satisfy `keep`.
    pub fn retain_rows(&self, keep: impl Fn(&[i16]) -> bool) -> WeightsData {
        self.partition(|_, values| keep(values)).0
    }

    /// Splits the rows into those whose key satisfies `hot` and the rest.
    pub fn split(&self, hot: impl Fn(u64) -> bool) -> (WeightsData, WeightsData) {
        self.partition(|key, _| hot(key))
    }

    /// The rows for which `first(key, weights)` holds, and the others.
    fn partition(&self, first: impl Fn(u64, &[i16]) -> bool) -> (WeightsData, WeightsData) {
        let empty = || WeightsData {
            n_classes: self.n_classes,
            key_deltas: Vec::new(),
            row_lens: Vec::new(),
            classes: Vec::new(),
            values: Vec::new(),
        };
        let (mut a, mut b) = (empty(), empty());
        let (mut pa, mut pb) = (0u64, 0u64);
        for (key, classes, values) in self.rows() {
            let (out, prev) = if first(key, values) {
                (&mut a, &mut pa)
            } else {
                (&mut b, &mut pb)
            };
            out.key_deltas.push(key - *prev);
            *prev = key;
            out.row_lens.push(classes.len() as u32);
            out.classes.extend_from_slice(classes);
            out.values.extend_from_slice(values);
        }
        (a, b)
    }
}

/// Index of the highest score among classes allowed by `valid`
/// (ties go to the lowest index, for determinism).
#[inline]
pub fn argmax_where(scores: &[i32], valid: impl Fn(usize) -> bool) -> Option<usize> {
    let mut best: Option<(usize, i32)> = None;
    for (i, &s) in scores.iter().enumerate() {
        if valid(i) && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best.map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_and_round_trips() {
        let mut t = Trainer::new(3);
        let a = [Fx::new(1).s("a").done()];
        let b = [Fx::new(1).s("b").done()];
        for _ in 0..5 {
            for (f, gold) in [(&a, 0usize), (&b, 2usize)] {
                let mut s = [0i32; 3];
                t.score(f, &mut s);
                let p = argmax_where(&s, |_| true).unwrap();
                t.update(f, gold, f, p);
                t.tick();
            }
        }
        let w = t.average(0.0);
        let bytes = postcard::to_allocvec(w.data()).unwrap();
        let d: WeightsData = postcard::from_bytes(&bytes).unwrap();
        Weights::validate(&d).unwrap();
        let w2 = Weights::from_data(d);
        for (f, gold) in [(&a, 0usize), (&b, 2usize)] {
            let mut s = [0i32; 3];
            w2.score(f, &mut s);
            assert_eq!(argmax_where(&s, |_| true), Some(gold));
        }
    }

    type Row = Vec<(u16, i16)>;

    /// `n` rows keyed by sorted hashes of template `template`, row `k` from
    /// `row(k)`.
    fn keyed_rows(n: u64, template: u64, row: impl Fn(usize) -> Row) -> Vec<(u64, Row)> {
        let mut keys: Vec<u64> = (0..n).map(|k| Fx::new(template).u(k).done()).collect();
        keys.sort_unstable();
        keys.iter()
            .enumerate()
            .map(|(k, &key)| (key, row(k)))
            .collect()
    }

    fn table(nc: usize, rows: &[(u64, Row)]) -> WeightsData {
        WeightsData::from_rows(nc, rows.iter().map(|(k, r)| (*k, r.as_slice())))
    }

    #[test]
    fn compact_table_rounds_dense_rows_to_eight_bits() {
        // Rows of 1, 2, 5 and all classes, with weights of every magnitude,
        // in tables of one, two and four half lines per dense row.
        fn check<const NC: usize>() {
            let row = |k: usize| -> Vec<(u16, i16)> {
                let len = [1, 2, 5, NC][k % 4];
                let scale = [1i32, 30, 250, 32767][(k / 4) % 4];
                (0..len)
                    .map(|j| ((j * 7 + k) % NC) as u16)
                    .collect::<std::collections::BTreeSet<u16>>()
                    .into_iter()
                    .map(|c| {
                        let x = (k as i32 * 31 + c as i32 * 17) % 255 - 127;
                        (c, (x * scale / 127).clamp(-32767, 32767) as i16)
                    })
                    .filter(|&(_, w)| w != 0)
                    .collect()
            };
            // What a compact row stores: dense rows (at least one class in
            // eight) as 8-bit weights times the smallest power of two that fits.
            let stored = |r: &[(u16, i16)]| -> [i32; NC] {
                let mut out = [0i32; NC];
                if r.len() == 1 || r.len() * 8 < NC {
                    for &(c, x) in r {
                        out[c as usize] = x as i32;
                    }
                    return out;
                }
                let max = r.iter().map(|x| x.1.unsigned_abs()).max().unwrap_or(0);
                let shift = (0..8).find(|&k| max >> k <= 127).unwrap_or(8);
                let half = if shift == 0 { 0 } else { 1 << (shift - 1) };
                for &(c, x) in r {
                    out[c as usize] = ((x as i32 + half) >> shift).clamp(-128, 127) << shift;
                }
                out
            };
            let rows = keyed_rows(4000, 11, row);
            let w = Weights::compact(table(NC, &rows));
            for (key, r) in &rows {
                let mut got = [0i32; NC];
                w.score(&[*key], &mut got);
                assert_eq!(got, stored(r), "row {key:x}");
            }
            // Many rows at once: the 16-bit sums per shift, widened.
            let mut got = [0i32; NC];
            let all: Vec<u64> = rows.iter().map(|r| r.0).collect();
            w.score(&all, &mut got);
            let mut want = [0i32; NC];
            for (_, r) in &rows {
                for (a, b) in want.iter_mut().zip(stored(r)) {
                    *a += b;
                }
            }
            assert_eq!(got, want);
        }
        check::<32>();
        check::<51>();
        check::<102>();
    }

    /// Every stored row scores exactly its weights, whether it sits in the
    /// hot or the cold table, inline, as entries or as a dense row spanning
    /// two cache lines; keys that were never stored score nothing.
    #[test]
    fn sparse_table_scores_every_row_exactly() {
        const NC: usize = 40;
        let row = |k: usize| -> Vec<(u16, i16)> {
            let len = [1, 3, 12, 40][k % 4];
            (0..len)
                .map(|j| ((j * 7 + k) % NC) as u16)
                .collect::<std::collections::BTreeSet<u16>>()
                .into_iter()
                .map(|c| (c, (k as i16 % 200) - 100 + c as i16))
                .filter(|&(_, w)| w != 0)
                .collect()
        };
        let rows = keyed_rows(40_000, 9, row);
        let w = Weights::from_data(table(NC, &rows));
        for (key, r) in &rows {
            let mut got = [0i32; NC];
            w.score(&[*key], &mut got);
            let mut want = [0i32; NC];
            for &(c, x) in r {
                want[c as usize] = x as i32;
            }
            assert_eq!(got, want);
        }
        let mut none = [0i32; NC];
        let absent: Vec<u64> = (0..1000u64).map(|k| Fx::new(10).u(k).done()).collect();
        w.score(&absent, &mut none);
        assert_eq!(none, [0; NC]);
    }

    #[test]
    fn string_hash_is_length_delimited() {
        assert_ne!(
            Fx::new(0).s("ab").s("c").done(),
            Fx::new(0).s("a").s("bc").done()
        );
    }
}
