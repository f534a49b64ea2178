//! Multinomial logistic regression over hashed sparse features, and
//! isotonic calibration: the learning machinery of the relation model.
//!
//! Training is deterministic: features are numbered in sorted key order,
//! instances are visited in an order drawn from a fixed seed, and the
//! updates (AdaGrad with L2 on the rows an instance touches) run on one
//! thread.

use crate::nlp::ner::IdBuild;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One training instance: feature keys and a target distribution over classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Feature keys (duplicates count once).
    pub features: Vec<u64>,
    /// (class, weight) pairs summing to 1.
    pub target: Vec<(usize, f32)>,
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: usize,
    /// AdaGrad learning rate.
    pub rate: f32,
    /// L2 penalty per update of a touched row.
    pub l2: f32,
    /// Features seen in fewer instances are dropped.
    pub min_count: u32,
    /// Shuffle seed.
    pub seed: u64,
    /// Share of an instance's features hidden at each update (dropout), so
    /// that general features such as the rules' proposal keep weight beside
    /// the lexical ones that would memorize the training articles.
    pub dropout: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 12,
            rate: 0.1,
            l2: 1e-4,
            min_count: 2,
            seed: 7,
            dropout: 0.3,
        }
    }
}

/// Saved form of a [`Linear`] model: rows of 8-bit weights with a per-row scale.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LinearData {
    /// Class names.
    pub classes: Vec<String>,
    /// Feature keys, sorted.
    pub keys: Vec<u64>,
    /// Per-row scale: weight = q * scale.
    pub scales: Vec<f32>,
    /// Quantized weights, `keys.len() * classes.len()`.
    pub weights: Vec<i8>,
}

/// A loaded linear model.
#[derive(Debug, Clone, Default)]
pub struct Linear {
    /// Class names.
    pub classes: Vec<String>,
    index: HashMap<u64, u32, IdBuild>,
    weights: Vec<f32>,
}

impl Linear {
    /// Number of classes.
    pub fn num_classes(&self) -> usize {
        self.classes.len()
    }

    /// Class probabilities for the features (written to `out`, one per class).
    pub fn probs(&self, features: &[u64], out: &mut [f32]) {
        let n = self.classes.len();
        out[..n].iter_mut().for_each(|x| *x = 0.0);
        for k in features {
            if let Some(&row) = self.index.get(k) {
                let w = &self.weights[row as usize * n..(row as usize + 1) * n];
                for (o, w) in out.iter_mut().zip(w) {
                    *o += w;
                }
            }
        }
        softmax(&mut out[..n]);
    }

    /// The saved form (weights rounded to 8 bits per row).
    pub fn to_data(&self) -> LinearData {
        let n = self.classes.len();
        let mut rows: Vec<(u64, u32)> = self.index.iter().map(|(&k, &r)| (k, r)).collect();
        rows.sort_unstable();
        let mut d = LinearData {
            classes: self.classes.clone(),
            ..Default::default()
        };
        for (k, r) in rows {
            let w = &self.weights[r as usize * n..(r as usize + 1) * n];
            let max = w.iter().fold(0f32, |m, x| m.max(x.abs()));
            // Rows that cannot move a probability are not worth keeping.
            if max < 0.01 {
                continue;
            }
            let scale = max / 127.0;
            d.keys.push(k);
            d.scales.push(scale);
            d.weights.extend(
                w.iter()
                    .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8),
            );
        }
        d
    }

    /// Builds the model from its saved form.
    pub fn from_data(d: &LinearData) -> Linear {
        let n = d.classes.len();
        let mut index = HashMap::with_capacity_and_hasher(d.keys.len(), IdBuild::default());
        let mut weights = Vec::with_capacity(d.keys.len() * n);
        for (r, (&k, &s)) in d.keys.iter().zip(&d.scales).enumerate() {
            index.insert(k, r as u32);
            weights.extend(d.weights[r * n..(r + 1) * n].iter().map(|&q| q as f32 * s));
        }
        Linear {
            classes: d.classes.clone(),
            index,
            weights,
        }
    }

    /// Trains a model on the instances.
    pub fn train(classes: Vec<String>, data: &[Instance], cfg: TrainConfig) -> Linear {
        let n = classes.len();
        let mut counts: HashMap<u64, u32, IdBuild> = HashMap::default();
        for inst in data {
            for &k in dedup(&inst.features).iter() {
                *counts.entry(k).or_default() += 1;
            }
        }
        let mut keys: Vec<u64> = counts
            .iter()
            .filter(|(_, &c)| c >= cfg.min_count)
            .map(|(&k, _)| k)
            .collect();
        keys.sort_unstable();
        let index: HashMap<u64, u32, IdBuild> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        let rows: Vec<Vec<u32>> = data
            .iter()
            .map(|inst| {
                let mut r: Vec<u32> = inst
                    .features
                    .iter()
                    .filter_map(|k| index.get(k).copied())
                    .collect();
                r.sort_unstable();
                r.dedup();
                r
            })
            .collect();
        let mut w = vec![0f32; keys.len() * n];
        let mut g2 = vec![0f32; keys.len() * n];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = cfg.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut p = vec![0f32; n];
        let mut kept: Vec<u32> = Vec::new();
        for _ in 0..cfg.epochs {
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            for &ii in &order {
                let feats: &[u32] = if cfg.dropout > 0.0 {
                    kept.clear();
                    for &f in &rows[ii] {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        if (rng >> 40) as f32 / (1u64 << 24) as f32 >= cfg.dropout {
                            kept.push(f);
                        }
                    }
                    &kept
                } else {
                    &rows[ii]
                };
                p.iter_mut().for_each(|x| *x = 0.0);
                for &f in feats {
                    let row = &w[f as usize * n..(f as usize + 1) * n];
                    for (o, x) in p.iter_mut().zip(row) {
                        *o += x;
                    }
                }
                softmax(&mut p);
                for &(c, t) in &data[ii].target {
                    p[c] -= t;
                }
                for &f in feats {
                    let base = f as usize * n;
                    for c in 0..n {
                        let g = p[c] + cfg.l2 * w[base + c];
                        if g == 0.0 {
                            continue;
                        }
                        g2[base + c] += g * g;
                        w[base + c] -= cfg.rate * g / (g2[base + c].sqrt() + 1e-6);
                    }
                }
            }
        }
        // Dropout trains each weight to carry its feature's share of the
        // evidence; at full strength the expected score is (1 - dropout)
        // times as large.
        if cfg.dropout > 0.0 {
            let keep = 1.0 - cfg.dropout;
            w.iter_mut().for_each(|x| *x *= keep);
        }
        Linear {
            classes,
            index,
            weights: w,
        }
    }
}

fn dedup(f: &[u64]) -> Vec<u64> {
    let mut v = f.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

fn softmax(x: &mut [f32]) {
    let max = x.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in x.iter_mut() {
        *v /= sum;
    }
}

/// A monotone map from raw scores to probabilities, fitted by isotonic
/// regression (pool adjacent violators) and read by linear interpolation
/// between the pooled blocks' centres.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Isotonic {
    /// (mean raw score, share correct) of each block, increasing.
    pub points: Vec<(f32, f32)>,
}

impl Isotonic {
    /// Fits the map to (raw score, correct) pairs.
    pub fn fit(pairs: &[(f32, bool)]) -> Isotonic {
        let mut v: Vec<(f32, bool)> = pairs.to_vec();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        // Blocks: (sum of scores, sum of correct, count).
        let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
        for (s, ok) in v {
            blocks.push((s as f64, ok as u8 as f64, 1.0));
            while blocks.len() > 1 {
                let (a, b) = (blocks[blocks.len() - 2], blocks[blocks.len() - 1]);
                if a.1 / a.2 >= b.1 / b.2 {
                    blocks.pop();
                    let last = blocks.len() - 1;
                    blocks[last] = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
                } else {
                    break;
                }
            }
        }
        Isotonic {
            points: blocks
                .iter()
                .map(|b| ((b.0 / b.2) as f32, (b.1 / b.2) as f32))
                .collect(),
        }
    }

    /// The calibrated probability of a raw score.
    pub fn apply(&self, x: f32) -> f32 {
        let p = &self.points;
        match p.len() {
            0 => x,
            1 => p[0].1,
            _ => {
                let i = p.partition_point(|q| q.0 < x);
                if i == 0 {
                    p[0].1
                } else if i == p.len() {
                    p[p.len() - 1].1
                } else {
                    let (a, b) = (p[i - 1], p[i]);
                    let t = if b.0 > a.0 {
                        (x - a.0) / (b.0 - a.0)
                    } else {
                        1.0
                    };
                    a.1 + t * (b.1 - a.1)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_violators_and_interpolates() {
        let pairs = [
            (0.1, false),
            (0.2, true),
            (0.3, false),
            (0.8, true),
            (0.9, true),
        ];
        let iso = Isotonic::fit(&pairs);
        assert_eq!(iso.points, vec![(0.1, 0.0), (0.25, 0.5), (0.85, 1.0)]);
        assert_eq!(iso.apply(0.0), 0.0);
        assert_eq!(iso.apply(0.55), 0.75);
        assert_eq!(iso.apply(1.0), 1.0);
    }

    #[test]
    fn learns_a_separable_toy_problem_deterministically() {
        let data: Vec<Instance> = (0..40)
            .map(|i| Instance {
                features: vec![1, 100 + (i % 2) as u64],
                target: vec![((i % 2) as usize, 1.0)],
            })
            .collect();
        let classes = vec!["a".to_string(), "b".to_string()];
        let m = Linear::train(classes.clone(), &data, TrainConfig::default());
        let mut p = [0f32; 2];
        m.probs(&[1, 100], &mut p);
        assert!(p[0] > 0.8, "{p:?}");
        m.probs(&[1, 101], &mut p);
        assert!(p[1] > 0.8, "{p:?}");
        let again = Linear::train(classes, &data, TrainConfig::default());
        assert_eq!(m.to_data(), again.to_data());
    }
}
