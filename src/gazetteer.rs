//! Word lists of general knowledge (countries, demonyms, capitals, places,
//! organizations, titles), loaded once from `data/gazetteer/` (embedded in the
//! binary) into lookup tables keyed by token sequences.

use crate::ontology::EntityType;
use std::collections::HashMap;
use std::sync::OnceLock;

/// How a gazetteer phrase refers to its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The entity's own name or an alias.
    Name,
    /// A demonym or adjective ("Russian") naming the country.
    Demonym,
    /// A capital city ("Moscow"): the country when it acts, the city as a place.
    Capital,
    /// A seat of government ("the Kremlin", "the White House"): always the country.
    Seat,
}

/// One gazetteer phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Canonical name of the entity.
    pub canonical: String,
    /// Entity type.
    pub kind: EntityType,
    /// How the phrase refers to it.
    pub role: Role,
    /// The country it is in or belongs to, when known.
    pub country: Option<String>,
    /// The phrase must match with its exact letter case (acronyms such as "US").
    pub exact_case: bool,
    /// The phrase as written in the list.
    pub surface: String,
}

/// A person title ("foreign minister") and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// `leader_of` or `member_of`.
    pub relation: &'static str,
    /// The affiliation implied when none is named ("secretary of state" → United States).
    pub default_affiliation: Option<String>,
}

/// The loaded word lists.
#[derive(Debug, Default)]
pub struct Gazetteer {
    phrases: HashMap<String, Vec<Entry>>,
    titles: HashMap<String, Title>,
    max_len: usize,
    max_title_len: usize,
}

const COUNTRIES: &str = include_str!("../data/gazetteer/countries.tsv");
const PLACES: &str = include_str!("../data/gazetteer/places.tsv");
const ORGANIZATIONS: &str = include_str!("../data/gazetteer/organizations.tsv");
const TITLES: &str = include_str!("../data/gazetteer/titles.tsv");

/// Heads that name a kind of body every country has ("Foreign Ministry",
/// "Embassy"): such a name says whose only with its qualifier.
pub const GENERIC_HEADS: [&str; 7] = [
    "ministry",
    "embassy",
    "consulate",
    "parliament",
    "police",
    "mission",
    "cabinet",
];

/// The lookup key of a phrase: its tokens, lower-cased, joined by spaces.
pub fn key_of(phrase: &str) -> String {
    let ranges = crate::segment::tokenize(phrase, 0..phrase.len());
    let mut key = String::with_capacity(phrase.len());
    for r in ranges {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&norm_token(&phrase[r]));
    }
    key
}

/// A token as the tables see it: lower case, straight apostrophes.
pub fn norm_token(t: &str) -> String {
    t.chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn list(field: Option<&&str>) -> Vec<String> {
    field
        .map(|f| {
            f.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

impl Gazetteer {
    /// The built-in lists, loaded once.
    pub fn get() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(Gazetteer::builtin)
    }

    fn add(&mut self, surface: &str, entry: Entry) {
        let key = key_of(surface);
        self.max_len = self.max_len.max(key.split(' ').count());
        let exact_case = surface.len() <= 4
            && surface
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        let list = self.phrases.entry(key).or_default();
        if !list
            .iter()
            .any(|e| e.canonical == entry.canonical && e.role == entry.role)
        {
            list.push(Entry {
                exact_case,
                surface: surface.to_string(),
                ..entry
            });
        }
    }

    fn builtin() -> Gazetteer {
        let mut g = Gazetteer::default();
        for r in rows(COUNTRIES) {
            let name = r[0].to_string();
            let entry = |role| Entry {
                canonical: name.clone(),
                kind: EntityType::Gpe,
                role,
                country: None,
                exact_case: false,
                surface: String::new(),
            };
            g.add(&name, entry(Role::Name));
            for a in list(r.get(1)) {
                g.add(&a, entry(Role::Name));
            }
            for a in list(r.get(2)) {
                g.add(&a, entry(Role::Demonym));
            }
            for a in list(r.get(3)) {
                g.add(&a, entry(Role::Capital));
            }
            for a in list(r.get(4)) {
                g.add(&a, entry(Role::Seat));
            }
        }
        for (text, default_kind) in [(PLACES, EntityType::Gpe), (ORGANIZATIONS, EntityType::Org)] {
            for r in rows(text) {
                let kind = r
                    .get(1)
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(default_kind);
                let country = r.get(3).filter(|c| !c.is_empty()).map(|c| c.to_string());
                let entry = Entry {
                    canonical: r[0].to_string(),
                    kind,
                    role: Role::Name,
                    country,
                    exact_case: false,
                    surface: String::new(),
                };
                g.add(r[0], entry.clone());
                for a in list(r.get(2)) {
                    g.add(&a, entry.clone());
                }
            }
        }
        for r in rows(TITLES) {
            let relation = if r.get(1) == Some(&"leader_of") {
                "leader_of"
            } else {
                "member_of"
            };
            let key = key_of(r[0]);
            g.max_title_len = g.max_title_len.max(key.split(' ').count());
            g.titles.insert(
                key,
                Title {
                    relation,
                    default_affiliation: r.get(2).filter(|s| !s.is_empty()).map(|s| s.to_string()),
                },
            );
        }
        g
    }

    /// The longest gazetteer phrase starting at token `i` of `tokens` (as
    /// written in the text): its length in tokens and its entries.
    pub fn longest_match(&self, tokens: &[&str], i: usize) -> Option<(usize, &[Entry])> {
        let first = tokens.get(i)?;
        if !first.chars().next().is_some_and(|c| c.is_uppercase()) {
            return None;
        }
        let mut key = String::new();
        let mut best = None;
        for n in 1..=self.max_len.min(tokens.len() - i) {
            if n > 1 {
                key.push(' ');
            }
            key.push_str(&norm_token(tokens[i + n - 1]));
            if let Some(entries) = self.phrases.get(&key) {
                let ok: bool = entries
                    .iter()
                    .any(|e| !e.exact_case || tokens[i..i + n].join(" ") == e.surface);
                if ok {
                    best = Some((n, entries.as_slice()));
                }
            }
        }
        best
    }

    /// The entries of an exact phrase (case-insensitive).
    pub fn lookup(&self, phrase: &str) -> &[Entry] {
        self.phrases.get(&key_of(phrase)).map_or(&[], Vec::as_slice)
    }

    /// The country a name, demonym or capital refers to.
    pub fn country_of(&self, phrase: &str) -> Option<&Entry> {
        self.lookup(phrase).iter().find(|e| {
            e.kind == EntityType::Gpe
                && e.country.is_none()
                && matches!(
                    e.role,
                    Role::Name | Role::Demonym | Role::Capital | Role::Seat
                )
        })
    }

    /// The longest title ending just before token `end` (exclusive), with its
    /// start index.
    pub fn title_before(&self, lower: &[String], end: usize) -> Option<(usize, &Title)> {
        let mut best = None;
        for n in 1..=self.max_title_len.min(end) {
            let key = lower[end - n..end].join(" ");
            if let Some(t) = self.titles.get(&key) {
                best = Some((end - n, t));
            }
        }
        best
    }

    /// The title of exactly this phrase.
    pub fn title(&self, phrase: &str) -> Option<&Title> {
        self.titles.get(&key_of(phrase))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_countries_by_name_demonym_and_capital() {
        let g = Gazetteer::get();
        let toks = ["the", "Kremlin", "and", "the", "United", "States"];
        assert_eq!(g.longest_match(&toks, 1).unwrap().1[0].canonical, "Russia");
        let (n, e) = g.longest_match(&toks, 4).unwrap();
        assert_eq!(
            (n, e[0].canonical.as_str(), e[0].role),
            (2, "United States", Role::Name)
        );
        assert_eq!(g.country_of("Russian").unwrap().canonical, "Russia");
        assert_eq!(g.country_of("Pyongyang").unwrap().role, Role::Capital);
        // "us" the pronoun is not the country.
        assert!(g.longest_match(&["Us"], 0).is_none());
        assert!(g.longest_match(&["US"], 0).is_some());
    }

    #[test]
    fn titles_carry_relations_and_defaults() {
        let g = Gazetteer::get();
        let lower: Vec<String> = ["russian", "foreign", "minister"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (start, t) = g.title_before(&lower, 3).unwrap();
        assert_eq!((start, t.relation), (1, "member_of"));
        assert_eq!(
            g.title("Secretary of State")
                .unwrap()
                .default_affiliation
                .as_deref(),
            Some("United States")
        );
    }
}
