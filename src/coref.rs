//! Coreference within an article: named mentions are grouped into entities
//! (surname → full name, "Mr. X", spelling variants), and pronouns are
//! resolved to the nearest compatible antecedent.

use crate::document::{Annotated, LocalEntity, Mention};
use crate::gazetteer::norm_token;
use crate::ontology::EntityType;
use std::collections::HashMap;

/// A spelling-insensitive key for names: lower case, accents, dots, hyphens
/// and apostrophes removed, and common transliteration endings folded
/// (Sergei/Sergey, Dmitri/Dmitry, Yuri/Yury).
pub fn match_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in name.nfkd() {
        if unicode_normalization::char::is_combining_mark(c)
            || c == '.'
            || c == '\''
            || c == '\u{2019}'
        {
            continue;
        }
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    if words.first().is_some_and(|w| w == "the") && words.len() > 1 {
        words.remove(0);
    }
    words
        .into_iter()
        .map(|w| {
            if w.len() > 3
                && (w.ends_with("ei")
                    || w.ends_with("ey")
                    || w.ends_with("ii")
                    || w.ends_with("iy"))
            {
                format!("{}y", &w[..w.len() - 2])
            } else if w.len() > 4
                && w.ends_with('i')
                && !w[..w.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u'])
            {
                format!("{}y", &w[..w.len() - 1])
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const MALE: [&str; 4] = ["he", "him", "his", "himself"];
const FEMALE: [&str; 4] = ["she", "her", "hers", "herself"];
const NEUTER: [&str; 2] = ["it", "its"];

/// Groups the mentions of `ann` into entities and resolves pronouns.
pub fn resolve(ann: &mut Annotated) {
    well_known_surnames(ann);
    let mut entities: Vec<LocalEntity> = Vec::new();
    let mut by_key: HashMap<(EntityType, String), usize> = HashMap::new();
    // Full person names first, so surnames find them wherever they appear.
    let mut order: Vec<usize> = (0..ann.mentions.len()).collect();
    order.sort_by_key(|&i| {
        let m = &ann.mentions[i];
        (m.name.split_whitespace().count() < 2, i)
    });
    let mut persons: Vec<(Vec<String>, usize)> = Vec::new();
    for i in order {
        let m = &ann.mentions[i];
        let key = if m.key.is_empty() {
            match_key(&m.name)
        } else {
            m.key.clone()
        };
        if key.is_empty() {
            continue;
        }
        let mut target = by_key.get(&(m.kind, key.clone())).copied();
        let mut why = "same name";
        if target.is_none() && m.kind == EntityType::Org && !key.contains(' ') {
            why = "one word of the organization's full name";
            // "the Ministry" after "the Ministry of Foreign Affairs".
            let longer: Vec<usize> = by_key
                .iter()
                .filter(|((k, name), _)| *k == EntityType::Org && name.split(' ').any(|w| w == key))
                .map(|(_, &e)| e)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if let [only] = longer.as_slice() {
                target = Some(*only);
            }
        }
        if target.is_none() && m.kind == EntityType::Person {
            why = "surname, initials or part of the full name";
            let toks: Vec<String> = key.split(' ').map(String::from).collect();
            // A surname or partial name: the full names that contain it.
            let cands: Vec<usize> = persons
                .iter()
                .filter(|(full, _)| {
                    toks.len() <= full.len()
                        && toks.iter().all(|t| {
                            full.iter()
                                .any(|f| f == t || (t.len() == 1 && f.starts_with(t.as_str())))
                        })
                        && *full != toks
                })
                .map(|(_, e)| *e)
                .collect();
            if let [only] = cands.as_slice() {
                target = Some(*only);
            } else if cands.len() > 1 {
                // Several: the last name is the usual short form.
                let last: Vec<usize> = persons
                    .iter()
                    .filter(|(full, _)| toks.len() == 1 && full.last() == toks.first())
                    .map(|(_, e)| *e)
                    .collect();
                if let [only] = last.as_slice() {
                    target = Some(*only);
                }
            }
        }
        let (e, why) = match target {
            Some(e) => (e, why),
            None => (
                {
                    let e = entities.len();
                    entities.push(LocalEntity {
                        name: m.name.clone(),
                        key: key.clone(),
                        kind: m.kind,
                        aliases: Vec::new(),
                        mentions: 0,
                    });
                    by_key.insert((m.kind, key.clone()), e);
                    if m.kind == EntityType::Person {
                        persons.push((key.split(' ').map(String::from).collect(), e));
                    }
                    e
                },
                "first mention",
            ),
        };
        by_key.entry((m.kind, key)).or_insert(e);
        ann.mentions[i].entity = Some(e);
        if ann.mentions[i].why.is_empty() {
            ann.mentions[i].why = why;
        }
    }
    // Canonical names: the fullest name; aliases: every surface form.
    for m in &ann.mentions {
        let Some(e) = m.entity else { continue };
        let ent = &mut entities[e];
        ent.mentions += 1;
        if m.is_name {
            if !ent.aliases.contains(&m.text) {
                ent.aliases.push(m.text.clone());
            }
            if m.kind == EntityType::Person
                && m.name.split_whitespace().count() > ent.name.split_whitespace().count()
            {
                ent.name = m.name.clone();
            }
        }
    }
    // Group labels: the surface without numbers and hedges ("Russian diplomats").
    for m in &ann.mentions {
        if m.kind == EntityType::Group {
            if let Some(e) = m.entity {
                let label = group_label(&m.name);
                if label.len() > entities[e].name.len()
                    || entities[e]
                        .name
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit())
                {
                    entities[e].name = label;
                }
            }
        }
    }
    ann.entities = entities;
    // Descriptions first, so that "his" after "the U.S. president" can
    // take the person it describes.
    resolve_descriptions(ann);
    resolve_pronouns(ann);
    resolve_plural_pronouns(ann);
    resolve_org_descriptions(ann);
}

/// A bare surname is the person the news covers under it
/// (`data/gazetteer/persons.tsv`) when the article's only full name with
/// that surname is a relative's: "President Trump" beside "Melania Trump"
/// is not Melania. Not after "Ms."/"Mrs."/"first lady".
fn well_known_surnames(ann: &mut Annotated) {
    static P: std::sync::OnceLock<Vec<(&'static str, &'static str)>> = std::sync::OnceLock::new();
    let table = P.get_or_init(|| {
        include_str!("../data/gazetteer/persons.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .collect()
    });
    let keys: Vec<Option<String>> = ann
        .mentions
        .iter()
        .map(|m| (m.kind == EntityType::Person).then(|| match_key(&m.name)))
        .collect();
    for &(surname, full) in table {
        let full_key = match_key(full);
        if keys.iter().flatten().any(|k| *k == full_key) {
            continue;
        }
        let mut relatives: Vec<&str> = Vec::new();
        for (m, k) in ann.mentions.iter().zip(&keys) {
            let Some(k) = k else { continue };
            if k.contains(' ')
                && k.rsplit(' ').next() == Some(surname)
                && !relatives.contains(&m.name.as_str())
            {
                relatives.push(&m.name);
            }
        }
        if relatives.is_empty() {
            continue;
        }
        // "Mrs. Trump" is the article's one relative, when there is one.
        let relative = (relatives.len() == 1).then(|| relatives[0].to_string());
        for (m, k) in ann.mentions.iter_mut().zip(&keys) {
            if k.as_deref() != Some(surname) {
                continue;
            }
            let toks = &ann.sentences[m.sentence].tokens;
            let before = |n: usize| {
                (m.tokens.start >= n).then(|| norm_token(&toks[m.tokens.start - n].form))
            };
            let female = matches!(
                before(1).as_deref(),
                Some("ms" | "mrs" | "miss" | "ms." | "mrs.")
            ) || (before(1).as_deref() == Some("lady")
                && before(2).as_deref() == Some("first"));
            if !female {
                m.name = full.to_string();
                m.key = String::new();
                m.why = "a bare surname the news uses for one well-known person, beside a relative's full name";
            } else if let Some(r) = &relative {
                m.name = r.clone();
                m.key = String::new();
            }
        }
    }
}

/// What is known of a person in this article: the titles before their name
/// and the entities those titles tie them to.
struct Titled {
    entity: usize,
    /// Last word of each title ("minister", "president", "spokeswoman").
    heads: Vec<String>,
    /// Entities they lead or belong to, with the relation.
    affiliations: Vec<(usize, &'static str)>,
    /// Position of their first mention: (sentence, token).
    first: (usize, usize),
}

fn titled_people(ann: &Annotated) -> Vec<Titled> {
    let g = crate::gazetteer::Gazetteer::get();
    let mut people: Vec<Titled> = Vec::new();
    let mut lower: Vec<Option<Vec<String>>> = vec![None; ann.sentences.len()];
    for (mi, m) in ann.mentions.iter().enumerate() {
        let Some(e) = m.entity else { continue };
        if m.kind != EntityType::Person || !m.is_name {
            continue;
        }
        let low = lower[m.sentence].get_or_insert_with(|| {
            ann.sentences[m.sentence]
                .tokens
                .iter()
                .map(|t| norm_token(&t.form))
                .collect()
        });
        let k = match people.iter().position(|p| p.entity == e) {
            Some(k) => k,
            None => {
                people.push(Titled {
                    entity: e,
                    heads: Vec::new(),
                    affiliations: Vec::new(),
                    first: (m.sentence, m.tokens.start),
                });
                people.len() - 1
            }
        };
        let p = &mut people[k];
        p.first = p.first.min((m.sentence, m.tokens.start));
        if let Some((ts, _)) = g.title_before(low, m.tokens.start) {
            if let Some(h) = low[ts..m.tokens.start].last() {
                if !p.heads.contains(h) {
                    p.heads.push(h.clone());
                }
            }
        } else if m.tokens.start > 0 {
            // "Presidents Donald Trump and Vladimir Putin": a plural title
            // before a pair of names titles both.
            let prev = &low[m.tokens.start - 1];
            let and_before = prev == "and";
            let title_word = if and_before {
                ann.mentions
                    .iter()
                    .find(|o| o.sentence == m.sentence && o.tokens.end + 1 == m.tokens.start)
                    .and_then(|o| o.tokens.start.checked_sub(1))
                    .map(|k| low[k].clone())
            } else {
                Some(prev.clone())
            };
            if let Some(w) = title_word {
                let one = w.strip_suffix('s').unwrap_or(&w).to_string();
                if w.ends_with('s') && g.title(&one).is_some() && !p.heads.contains(&one) {
                    p.heads.push(one);
                }
            }
        }
        for f in ann.facts.iter().filter(|f| f.subject == mi) {
            if let Some(h) = f.trigger.split_whitespace().last() {
                let h = norm_token(h);
                if !p.heads.contains(&h) {
                    p.heads.push(h);
                }
            }
            if let Some(o) = ann.mentions[f.object].entity {
                if !p.affiliations.contains(&(o, f.relation)) {
                    p.affiliations.push((o, f.relation));
                }
            }
        }
    }
    people
}

/// Plural and singular forms of a title's head word.
fn singular(w: &str) -> &str {
    match w {
        "leaders" | "presidents" | "ministers" | "counterparts" => &w[..w.len() - 1],
        _ => w,
    }
}

/// Resolves definite descriptions of people to a titled person named earlier
/// in the article: "the president", "the Russian foreign minister", "Russia's
/// prime minister", "his Russian counterpart", "the spokeswoman", and the
/// plural "the two leaders". A description with an affiliation only takes a
/// person tied to it; one without takes the nearest person with that title.
fn resolve_descriptions(ann: &mut Annotated) {
    let people = titled_people(ann);
    if people.is_empty() {
        return;
    }
    let g = crate::gazetteer::Gazetteer::get();
    let mut added = Vec::new();
    // (index in `added`, relation, token, entity, its mention if any, sentence, title)
    type NewFact = (
        usize,
        &'static str,
        usize,
        usize,
        Option<usize>,
        usize,
        String,
    );
    let mut new_facts: Vec<NewFact> = Vec::new();
    for (si, s) in ann.sentences.iter().enumerate() {
        if s.tokens.iter().any(|t| t.deprel.is_empty()) {
            continue;
        }
        let lower: Vec<String> = s.tokens.iter().map(|t| norm_token(&t.form)).collect();
        let covered = |ti: usize| {
            ann.mentions
                .iter()
                .any(|m| m.sentence == si && m.tokens.contains(&ti))
        };
        for (ti, t) in s.tokens.iter().enumerate() {
            if t.upos != "NOUN" || covered(ti) {
                continue;
            }
            let word = singular(&lower[ti]);
            let plural = word.len() < lower[ti].len();
            let counterpart = word == "counterpart";
            let is_title = counterpart
                || word == "leader"
                || g.title(word).is_some()
                || g.title_before(&lower[..ti + 1], ti + 1).is_some();
            if !is_title {
                continue;
            }
            let kids: Vec<usize> = (0..s.tokens.len())
                .filter(|&k| s.tokens[k].head == Some(ti))
                .collect();
            let rel_of = |k: usize| s.tokens[k].deprel;
            // Indefinite ("a spokesman for X") is a fact, not a reference.
            if kids
                .iter()
                .any(|&k| matches!(lower[k].as_str(), "a" | "an"))
            {
                continue;
            }
            if kids
                .iter()
                .any(|&k| rel_of(k) == "appos" || rel_of(k) == "flat")
            {
                continue;
            }
            // A name right after the title is that person, not a reference.
            if s.tokens.get(ti + 1).is_some_and(|n| n.upos == "PROPN") {
                continue;
            }
            let definite = kids.iter().any(|&k| {
                matches!(lower[k].as_str(), "the" | "this" | "that" | "both")
                    || rel_of(k) == "nmod:poss"
                    || rel_of(k) == "compound"
            });
            if !definite {
                continue;
            }
            // Affiliations named in the description, and a possessor to exclude.
            let mut affs: Vec<usize> = Vec::new();
            // Where each affiliation is named: (token, entity, existing mention).
            let mut aff_at: Vec<(usize, usize, Option<usize>)> = Vec::new();
            let mut possessor: Option<usize> = None;
            let forms: Vec<&str> = s.tokens.iter().map(|t| t.form.as_str()).collect();
            let mut covered_to = 0;
            for &k in &kids {
                let found = ann
                    .mentions
                    .iter()
                    .position(|m| m.sentence == si && m.tokens.contains(&k) && m.entity.is_some());
                let m = found.map(|i| &ann.mentions[i]);
                let Some(m) = m else {
                    // A demonym that made no mention ("his Russian counterpart",
                    // "the South Korean leader": the longest one from here).
                    if matches!(rel_of(k), "amod" | "compound") && k >= covered_to {
                        let hit = g.longest_match(&forms[..ti], k);
                        if let Some((len, es)) = hit {
                            covered_to = k + len;
                            let country = es.first().map(|e| &e.canonical);
                            if let Some(e) =
                                country.and_then(|c| ann.entities.iter().position(|e| &e.name == c))
                            {
                                affs.push(e);
                                aff_at.push((k, e, None));
                            }
                        }
                    }
                    continue;
                };
                let e = m.entity.unwrap_or(0);
                match (rel_of(k), m.kind) {
                    ("nmod:poss", EntityType::Person) => possessor = Some(e),
                    (_, EntityType::Gpe | EntityType::Org) => {
                        affs.push(e);
                        aff_at.push((k, e, found));
                    }
                    _ => {}
                }
            }
            let before = |p: &Titled| p.first < (si, ti);
            // The subject of a clause the description is in is someone else:
            // "Trump said … with Vietnam's president", "the president said he
            // spoke with the South Korean leader" (but "lashing out at Trump,
            // vowing the American leader would pay"). An appositive describes
            // the name it hangs on, which stays allowed.
            let appos_of = (t.deprel == "appos").then_some(t.head).flatten();
            let earlier = |m: &Mention| {
                m.sentence == si
                    && m.tokens.end <= ti
                    && !appos_of.is_some_and(|h| m.tokens.contains(&h))
            };
            // Whether `h` is above the description in the tree.
            let dominates = |h: usize| {
                let mut k = ti;
                for _ in 0..s.tokens.len() {
                    match s.tokens[k].head {
                        Some(x) if x == h => return true,
                        Some(x) => k = x,
                        None => return false,
                    }
                }
                false
            };
            let subject_over = |m: &Mention| {
                let last = &s.tokens[m.tokens.end - 1];
                last.deprel.starts_with("nsubj") && last.head.is_some_and(dominates)
            };
            let in_sentence = |p: &Titled| {
                let here =
                    |m: &Mention| earlier(m) && m.entity == Some(p.entity) && subject_over(m);
                // Pronouns are resolved by guesswork: names only.
                ann.mentions.iter().any(|m| m.is_name && here(m)) || added.iter().any(here)
            };
            // "Trump … his Russian counterpart": whoever is named last before
            // it; a counterpart holds the same kind of post.
            let anchor = possessor.or_else(|| {
                ann.mentions
                    .iter()
                    .chain(&added)
                    .filter(|m| earlier(m) && m.kind == EntityType::Person)
                    .max_by_key(|m| m.tokens.end)
                    .and_then(|m| m.entity)
            });
            let anchor_post = people
                .iter()
                .find(|p| counterpart && Some(p.entity) == anchor);
            let same_post = |p: &Titled| {
                anchor_post.is_some_and(|a| {
                    p.heads
                        .iter()
                        .any(|h| a.heads.iter().any(|x| singular(x) == singular(h)))
                        || p.affiliations
                            .iter()
                            .any(|(_, r)| a.affiliations.iter().any(|(_, ar)| ar == r))
                })
            };
            let mut cands: Vec<&Titled> = people
                .iter()
                // A plural includes the subject: "Trump might meet Putin; the
                // two leaders are holding off".
                .filter(|p| before(p) && Some(p.entity) != possessor && (plural || !in_sentence(p)))
                .filter(|p| {
                    if counterpart {
                        !p.affiliations.is_empty() || !p.heads.is_empty()
                    } else if word == "leader" {
                        p.affiliations.iter().any(|(_, r)| *r == "leader_of")
                            || p.heads.iter().any(|h| h == "leader" || h == "president")
                    } else {
                        p.heads.iter().any(|h| h == word)
                    }
                })
                // A named affiliation rules out people tied to something else.
                .filter(|p| {
                    affs.is_empty()
                        || p.affiliations.is_empty()
                        || p.affiliations.iter().any(|(a, _)| affs.contains(a))
                })
                .collect();
            // A counterpart in the anchor's post first, then those tied to
            // the affiliation, then the most talked about so far ("the
            // president" is the article's president), then the most recently
            // mentioned.
            cands.sort_by_key(|p| {
                let tied = p.affiliations.iter().any(|(a, _)| affs.contains(a));
                let same_post = same_post(p);
                let salience = ann
                    .mentions
                    .iter()
                    .filter(|m| {
                        m.entity == Some(p.entity) && (m.sentence, m.tokens.start) < (si, ti)
                    })
                    .count();
                // The last mention before the description.
                let recent = ann
                    .mentions
                    .iter()
                    .filter(|m| m.entity == Some(p.entity) && m.is_name)
                    .map(|m| (m.sentence, m.tokens.start))
                    .filter(|&pos| pos < (si, ti))
                    .max();
                (
                    std::cmp::Reverse(same_post),
                    std::cmp::Reverse(tied),
                    std::cmp::Reverse(salience),
                    std::cmp::Reverse(recent),
                )
            });
            let take = if plural { 2 } else { 1 };
            if cands.len() < take || (counterpart && affs.is_empty()) {
                continue;
            }
            let relation = if word == "leader" {
                Some("leader_of")
            } else {
                g.title(word)
                    .or_else(|| g.title_before(&lower[..ti + 1], ti + 1).map(|(_, t)| t))
                    .map(|t| t.relation)
            };
            for p in cands.into_iter().take(take) {
                // "the British prime minister" states what the person is.
                if let (Some(rel), false, false) = (relation, counterpart, plural) {
                    for &(k, e, existing) in &aff_at {
                        new_facts.push((added.len(), rel, k, e, existing, si, word.to_string()));
                    }
                }
                added.push(reference(
                    si,
                    ti,
                    t,
                    ann.entities[p.entity].name.clone(),
                    EntityType::Person,
                    Some(p.entity),
                    "description: the titled person it describes",
                ));
            }
        }
    }
    let base = ann.mentions.len();
    add_resolved(ann, added);
    for (subject, relation, k, e, existing, si, title) in new_facts {
        let object = match existing {
            Some(o) => o,
            None => {
                let t = &ann.sentences[si].tokens[k];
                ann.mentions.push(Mention {
                    sentence: si,
                    tokens: k..k + 1,
                    span: t.span.clone(),
                    text: t.form.clone(),
                    name: ann.entities[e].name.clone(),
                    key: String::new(),
                    kind: ann.entities[e].kind,
                    entity: Some(e),
                    is_name: false,
                    why: "description's affiliation",
                });
                ann.mentions.len() - 1
            }
        };
        ann.facts.push(crate::document::StandingFact {
            subject: base + subject,
            relation,
            object,
            trigger: title,
        });
    }
}

/// A pronoun or description at token `ti` standing for an entity.
fn reference(
    si: usize,
    ti: usize,
    t: &crate::document::Token,
    name: String,
    kind: EntityType,
    entity: Option<usize>,
    why: &'static str,
) -> Mention {
    Mention {
        sentence: si,
        tokens: ti..ti + 1,
        span: t.span.clone(),
        text: t.form.clone(),
        name,
        key: String::new(),
        kind,
        entity,
        is_name: false,
        why,
    }
}

/// Appends resolved references and counts them on their entities. Appended,
/// not sorted: standing facts refer to mentions by index.
fn add_resolved(ann: &mut Annotated, added: Vec<Mention>) {
    for m in &added {
        if let Some(e) = m.entity {
            ann.entities[e].mentions += 1;
        }
    }
    ann.mentions.extend(added);
}

/// Nouns that refer back to an organization ("the alliance condemned").
const ORG_NOUNS: [&str; 12] = [
    "alliance",
    "bloc",
    "company",
    "firm",
    "organization",
    "organisation",
    "ministry",
    "agency",
    "party",
    "union",
    "council",
    "committee",
];

/// "the alliance", "the company", "the ministry" → the organization named
/// last (one whose name ends in the noun first); "the country" → the country
/// named last. Within the sentence and the two before.
fn resolve_org_descriptions(ann: &mut Annotated) {
    let g = crate::gazetteer::Gazetteer::get();
    let mut added = Vec::new();
    for (si, s) in ann.sentences.iter().enumerate() {
        for (ti, t) in s.tokens.iter().enumerate() {
            let w = norm_token(&t.form);
            let country = w == "country";
            if !(country || ORG_NOUNS.contains(&w.as_str())) || t.upos != "NOUN" {
                continue;
            }
            let the = ti > 0 && norm_token(&s.tokens[ti - 1].form) == "the";
            if !the
                || ann
                    .mentions
                    .iter()
                    .any(|m| m.sentence == si && m.tokens.contains(&ti))
            {
                continue;
            }
            let near = |m: &&Mention| {
                m.entity.is_some()
                    && m.is_name
                    && ((m.sentence == si && m.tokens.end <= ti)
                        || (m.sentence < si && m.sentence + 2 >= si))
            };
            let fits = |m: &&Mention| {
                if country {
                    m.kind == EntityType::Gpe
                        && g.lookup(&m.name)
                            .iter()
                            .any(|e| e.country.is_none() && e.canonical == m.name)
                } else {
                    m.kind == EntityType::Org
                }
            };
            let ends = |m: &&Mention| m.name.split_whitespace().any(|x| norm_token(x) == w);
            let pick = ann
                .mentions
                .iter()
                .filter(near)
                .filter(fits)
                .filter(ends)
                .max_by_key(|m| (m.sentence, m.tokens.start))
                .or_else(|| {
                    ann.mentions
                        .iter()
                        .filter(near)
                        .filter(fits)
                        .max_by_key(|m| (m.sentence, m.tokens.start))
                });
            if let Some(a) = pick {
                added.push(reference(
                    si,
                    ti,
                    t,
                    a.name.clone(),
                    a.kind,
                    a.entity,
                    "description: the organization or country named just before",
                ));
            }
        }
    }
    add_resolved(ann, added);
}

/// "they", "them", "their" after a pair of people or countries named
/// together ("Tillerson and Lavrov … their meeting") refer to both; otherwise
/// to the nearest group.
fn resolve_plural_pronouns(ann: &mut Annotated) {
    let mut added = Vec::new();
    for (si, s) in ann.sentences.iter().enumerate() {
        for (ti, t) in s.tokens.iter().enumerate() {
            let w = norm_token(&t.form);
            if !matches!(w.as_str(), "they" | "them" | "their") {
                continue;
            }
            let window = |m: &&Mention| {
                m.entity.is_some()
                    && ((m.sentence == si && m.tokens.end <= ti)
                        || (m.sentence < si && m.sentence + 1 >= si))
            };
            // A coordinated pair: two named mentions joined by "and".
            let mut pair: Option<(usize, usize, (usize, usize))> = None;
            for a in ann.mentions.iter().filter(window) {
                if !a.is_name || !matches!(a.kind, EntityType::Person | EntityType::Gpe) {
                    continue;
                }
                let toks = &ann.sentences[a.sentence].tokens;
                let and = toks.get(a.tokens.end).is_some_and(|x| x.form == "and");
                if !and {
                    continue;
                }
                let b = ann.mentions.iter().filter(window).find(|b| {
                    b.is_name
                        && b.sentence == a.sentence
                        && b.tokens.start == a.tokens.end + 1
                        && b.kind == a.kind
                        && b.entity != a.entity
                });
                if let Some(b) = b {
                    let at = (a.sentence, a.tokens.start);
                    if pair.is_none_or(|(_, _, p)| at > p) {
                        pair = Some((a.entity.unwrap_or(0), b.entity.unwrap_or(0), at));
                    }
                }
            }
            let targets: Vec<(usize, EntityType)> = match pair {
                Some((a, b, _)) => vec![(a, ann.entities[a].kind), (b, ann.entities[b].kind)],
                None => ann
                    .mentions
                    .iter()
                    .filter(window)
                    .filter(|m| m.kind == EntityType::Group)
                    .max_by_key(|m| (m.sentence, m.tokens.start))
                    .map(|m| (m.entity.unwrap_or(0), m.kind))
                    .into_iter()
                    .collect(),
            };
            for (e, kind) in targets {
                added.push(reference(
                    si,
                    ti,
                    t,
                    ann.entities[e].name.clone(),
                    kind,
                    Some(e),
                    "plural pronoun: the pair or group named just before",
                ));
            }
        }
    }
    add_resolved(ann, added);
}

/// "35 suspected Russian spies" → "Russian spies".
fn group_label(text: &str) -> String {
    text.split_whitespace()
        .skip_while(|w| {
            w.chars().all(|c| c.is_ascii_digit() || c == ',')
                || matches!(
                    w.to_lowercase().as_str(),
                    "suspected"
                        | "alleged"
                        | "some"
                        | "other"
                        | "former"
                        | "senior"
                        | "top"
                        | "leading"
                )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Verbs that introduce quoted speech.
const SPEECH: [&str; 9] = [
    "say", "tell", "tweet", "write", "add", "declare", "announce", "insist", "post",
];

/// The person a sentence quotes: the subject of its verb of speech.
fn speaker(ann: &Annotated, si: usize) -> Option<&Mention> {
    let toks = &ann.sentences[si].tokens;
    let verb = (0..toks.len()).find(|&k| {
        toks[k].upos == "VERB"
            && SPEECH.contains(&toks[k].lemma.as_str())
            && !toks[k].deprel.is_empty()
    })?;
    let subj =
        (0..toks.len()).find(|&k| toks[k].head == Some(verb) && toks[k].deprel == "nsubj")?;
    ann.mentions
        .iter()
        .filter(|m| m.sentence == si && m.tokens.contains(&subj) && m.kind == EntityType::Person)
        .find(|m| m.entity.is_some() && (m.is_name || m.why.starts_with("description:")))
}

/// For a possessive inside a relative clause whose subject is the relative
/// pronoun ("the communist nation, which has been raising its threats"): the
/// mention of the noun the clause modifies, `Some(None)` when that noun names
/// nothing (the pronoun then stays unresolved rather than taking the nearest
/// name); `None` outside such clauses.
fn relative_antecedent(ann: &Annotated, si: usize, ti: usize) -> Option<Option<&Mention>> {
    let toks = &ann.sentences[si].tokens;
    if toks.iter().any(|t| t.deprel.is_empty()) {
        return None;
    }
    let mut x = clause_verb(toks, ti)?;
    // "which has been testing missiles and raising its threats"
    for _ in 0..6 {
        if toks[x].deprel != "conj" {
            break;
        }
        x = toks[x].head?;
    }
    if toks[x].deprel != "acl:relcl" {
        return None;
    }
    let relative = (0..toks.len()).any(|k| {
        toks[k].head == Some(x)
            && toks[k].deprel.starts_with("nsubj")
            && matches!(norm_token(&toks[k].form).as_str(), "which" | "that" | "who")
    });
    if !relative {
        return None;
    }
    let noun = toks[x].head?;
    Some(
        ann.mentions
            .iter()
            .filter(|m| m.sentence == si && m.tokens.contains(&noun) && m.entity.is_some())
            .max_by_key(|m| m.tokens.len()),
    )
}

/// The verb of the clause token `ti` sits in (its nearest verbal ancestor,
/// or the sixth one up).
fn clause_verb(toks: &[crate::document::Token], ti: usize) -> Option<usize> {
    let mut x = toks[ti].head?;
    for _ in 0..6 {
        if toks[x].upos == "VERB" {
            break;
        }
        x = toks[x].head?;
    }
    Some(x)
}

/// The named mention that is the subject of the clause around token `ti`
/// (the nearest verb above it), when it comes before the token.
fn clause_subject(ann: &Annotated, si: usize, ti: usize) -> Option<&Mention> {
    let toks = &ann.sentences[si].tokens;
    if toks.iter().any(|t| t.deprel.is_empty()) {
        return None;
    }
    let x = clause_verb(toks, ti)?;
    let subj = (0..toks.len()).find(|&k| toks[k].head == Some(x) && toks[k].deprel == "nsubj")?;
    if subj > ti {
        return None;
    }
    ann.mentions
        .iter()
        .filter(|m| m.sentence == si && m.tokens.contains(&subj) && m.entity.is_some())
        .filter(|m| m.is_name || m.why.starts_with("description:"))
        .max_by_key(|m| m.tokens.len())
}

/// Adds pronoun mentions resolved to the nearest compatible preceding entity.
fn resolve_pronouns(ann: &mut Annotated) {
    let mut added = Vec::new();
    for (si, s) in ann.sentences.iter().enumerate() {
        for (ti, t) in s.tokens.iter().enumerate() {
            let w = norm_token(&t.form);
            let person = MALE.contains(&w.as_str()) || FEMALE.contains(&w.as_str());
            let neuter = NEUTER.contains(&w.as_str());
            if matches!(w.as_str(), "i" | "me" | "my") {
                // "I want to congratulate Heather," the president tweeted.
                if let Some(a) = speaker(ann, si) {
                    added.push(reference(
                        si,
                        ti,
                        t,
                        a.name.clone(),
                        a.kind,
                        a.entity,
                        "first person: the speaker the sentence quotes",
                    ));
                }
                continue;
            }
            if !person && !neuter {
                continue;
            }
            let compatible = |m: &Mention| {
                if person {
                    m.kind == EntityType::Person
                } else {
                    matches!(m.kind, EntityType::Gpe | EntityType::Org)
                }
            };
            // A possessive binds to its clause's subject: "Venezuela recalled
            // its envoy", "He met his counterpart".
            let possessive = matches!(w.as_str(), "its" | "his" | "her");
            let relative = possessive
                .then(|| relative_antecedent(ann, si, ti))
                .flatten();
            let bound = match relative {
                Some(None) => continue,
                Some(Some(m)) => Some(m).filter(|m| compatible(m)),
                None if possessive => clause_subject(ann, si, ti).filter(|m| compatible(m)),
                None => None,
            };
            // A subject "it" continues an earlier main-clause subject; when
            // the nearest name sat elsewhere ("The bill punishes Moscow. It
            // bars…"), "it" is most often the thing, not the name.
            let subject_it = w == "it" && t.deprel.starts_with("nsubj");
            // Else the nearest preceding mention of a compatible type, this
            // sentence or the two before.
            let ante = bound.or_else(|| {
                ann.mentions
                    .iter()
                    .filter(|m| {
                        m.entity.is_some() && (m.is_name || m.why.starts_with("description:"))
                    })
                    .filter(|m| {
                        let toks = &ann.sentences[m.sentence].tokens;
                        !subject_it
                            || toks[m.tokens.clone()].iter().any(|x| {
                                x.deprel.starts_with("nsubj")
                                    && x.head.is_some_and(|h| toks[h].deprel == "root")
                            })
                    })
                    .filter(|m| {
                        (m.sentence == si && m.tokens.end <= ti)
                            || (m.sentence < si && m.sentence + 2 >= si)
                    })
                    .filter(|m| compatible(m))
                    .max_by_key(|m| (m.sentence, m.tokens.start))
            });
            if let Some(a) = ante {
                added.push(reference(
                    si,
                    ti,
                    t,
                    a.name.clone(),
                    a.kind,
                    a.entity,
                    "pronoun: the nearest earlier name of a fitting type",
                ));
            }
        }
    }
    add_resolved(ann, added);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn run(text: &str) -> Annotated {
        let mut ann = crate::pipeline::segmented(Document {
            text: text.into(),
            ..Default::default()
        });
        crate::entities::detect(&mut ann);
        resolve(&mut ann);
        ann
    }

    /// The entity name each "it" / "It" of `text` joined, in order.
    fn it_antecedents(text: &str) -> Vec<Option<String>> {
        let ann =
            crate::pipeline::Pipeline::new(crate::lexicon::Lexicon::builtin()).annotate(Document {
                text: text.into(),
                ..Default::default()
            });
        ann.sentences
            .iter()
            .enumerate()
            .flat_map(|(si, s)| {
                s.tokens
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.form.eq_ignore_ascii_case("it"))
                    .map(move |(ti, _)| (si, ti))
            })
            .map(|(si, ti)| {
                ann.mentions
                    .iter()
                    .find(|m| m.sentence == si && m.tokens.start == ti)
                    .and_then(|m| m.entity)
                    .map(|e| ann.entities[e].name.clone())
            })
            .collect()
    }

    #[test]
    fn subject_it_continues_a_main_clause_subject_only() {
        assert_eq!(
            it_antecedents("Norway expelled two diplomats on Monday. It also closed a consulate."),
            vec![Some("Norway".to_string())]
        );
        assert_eq!(
            it_antecedents(
                "The treaty was meant to punish Moscow, where the Kremlin has backed the rebels. \
                 It also restricts trade with Iran."
            ),
            vec![None]
        );
    }

    #[test]
    fn match_key_folds_spellings() {
        assert_eq!(match_key("Sergei Lavrov"), match_key("Sergey Lavrov"));
        assert_eq!(match_key("Sergei Lavrov"), "sergy lavrov");
        assert_eq!(match_key("Dmitri Peskov"), match_key("Dmitry Peskov"));
        assert_eq!(match_key("Kim Jong-un"), match_key("Kim Jong Un"));
        assert_eq!(match_key("the U.S."), "us");
    }

    #[test]
    fn surnames_and_pronouns_join_the_full_name() {
        let a = run(
            "Finance Minister Olga Petrova arrived. Petrova said she would stay. Mr. Ivanov left.",
        );
        let olga: Vec<&Mention> = a
            .mentions
            .iter()
            .filter(|m| m.entity == a.mentions[0].entity)
            .collect();
        assert_eq!(
            olga.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
            vec!["Olga Petrova", "Petrova", "she"]
        );
        assert_eq!(
            a.entities[a.mentions[0].entity.unwrap()].name,
            "Olga Petrova"
        );
        assert!(a
            .entities
            .iter()
            .any(|e| e.name == "Ivanov" && e.kind == EntityType::Person));
    }
}
