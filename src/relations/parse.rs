//! Relations read off the dependency parse.
//!
//! For each trigger of the lexicon, the extractor finds the actor and the
//! one acted on by grammatical role rather than by distance:
//! - verbs: the subject (`nsubj`; `obl:agent` in passives), inherited through
//!   control ("decided to reduce", "ordered the Kremlin to close"),
//!   coordination ("backed Assad, annexed Crimea") and relative clauses; the
//!   object (`obj`, `nsubj:pass`, or an `obl` with one of the trigger's
//!   prepositions);
//! - event nouns: the possessor or `by` phrase ("Obama's removal of"), the
//!   actor of a light or causative verb ("announced the expulsion of",
//!   "imposed sanctions on"), and the object by preposition;
//! - arguments spread over conjuncts ("met Abe and Moon") and appositions.
//!
//! Modality comes from [`super::modality`]. Sentences without a parse fall
//! back to the word-window [`PatternExtractor`].

use super::modality::of_trigger;
use super::pattern::PatternExtractor;
use super::tree::{label_is, Tree};
use super::{push, standing_facts, RelationExtractor};
use crate::document::{Annotated, LocalRelation};
use crate::lexicon::{Lexicon, Trigger, TriggerKind};
use crate::ontology::{is_symmetric, EntityType, Modality};

/// The default extractor: lexicon triggers, arguments from the parse.
#[derive(Debug, Clone)]
pub struct ParseExtractor {
    lexicon: Lexicon,
    fallback: PatternExtractor,
    /// Also emit `related_to` edges for verbs outside the lexicon.
    pub open_relations: bool,
    /// Emit member_of edges from unnamed groups to their country.
    pub group_links: bool,
}

/// Verbs that take an event noun as object and make its subject the actor:
/// "announced the expulsion of", "imposed sanctions on", "held talks with".
const LIGHT: [&str; 42] = [
    "announce",
    "order",
    "impose",
    "hold",
    "have",
    "make",
    "give",
    "conduct",
    "carry",
    "launch",
    "issue",
    "begin",
    "start",
    "continue",
    "stage",
    "approve",
    "authorize",
    "decree",
    "slap",
    "level",
    "lodge",
    "file",
    "threaten",
    "plan",
    "seek",
    "pursue",
    "expand",
    "extend",
    "tighten",
    "introduce",
    "enact",
    "step",
    "deliver",
    "offer",
    "sign",
    "reach",
    "conclude",
    "strike",
    "join",
    "seal",
    "reaffirm",
    "renew",
];

/// Verbs whose object is the actor of the gerund after them: "accused
/// Somalia of interfering", "praised Chile for hosting".
const OBJECT_OF_GERUND: [&str; 12] = [
    "accuse",
    "charge",
    "blame",
    "criticize",
    "condemn",
    "praise",
    "thank",
    "suspect",
    "congratulate",
    "punish",
    "sanction",
    "commend",
];

/// Relations whose object is a person or group acted on directly: "expelled
/// its ambassador" does not expel the possessor.
const DIRECT_ONLY: [&str; 5] = ["expelled", "arrested", "killed", "appointed", "dismissed"];

/// Participles that place their subject: "headquartered in", "located on".
const LOCATE: [&str; 5] = ["locate", "base", "headquarter", "situate", "station"];

/// Verbs whose object is the subject of their infinitive ("urged Russia to
/// release", "invited Abe to visit", "dispatched Pompeo to meet").
const OBJECT_CONTROL: [&str; 14] = [
    "urge",
    "ask",
    "tell",
    "call",
    "press",
    "pressure",
    "persuade",
    "encourage",
    "allow",
    "invite",
    "push",
    "convince",
    "send",
    "dispatch",
];

/// Causative verbs: the one who orders is the actor of the ordered event
/// ("ordered the Kremlin to close its consulate", "ordered them shuttered").
const CAUSATIVE: [&str; 6] = ["order", "force", "compel", "direct", "instruct", "make"];

/// Evaluations aim at a person through what they did or said: "praised the
/// Kremlin's move", "criticized Trump's decision" target the possessor.
const EVALUATIVE: [&str; 6] = [
    "praised",
    "criticized",
    "supported",
    "opposed",
    "accused",
    "threatened",
];

/// Nouns that stand for the government of the entity that modifies them
/// ("the Obama administration", "the Putin government").
const GOVERNMENT_NOUNS: [&str; 6] = [
    "administration",
    "government",
    "regime",
    "team",
    "cabinet",
    "leadership",
];

/// Nouns that speak for whoever owns them: "Netanyahu's office accused",
/// "Kim's statement lashed out at Trump".
const VOICE_NOUNS: [&str; 8] = [
    "office",
    "statement",
    "remark",
    "comment",
    "speech",
    "letter",
    "tweet",
    "message",
];

/// Relative pronouns: a relative clause's subject is the noun it modifies.
const RELATIVE: [&str; 4] = ["who", "which", "that", "whom"];

/// The verbs of reported speech and copulas give no open relation.
const NOT_OPEN: [&str; 12] = [
    "say", "tell", "be", "have", "do", "make", "get", "go", "take", "see", "add", "write",
];

fn is_actor(k: EntityType) -> bool {
    matches!(
        k,
        EntityType::Person | EntityType::Org | EntityType::Gpe | EntityType::Group
    )
}

impl ParseExtractor {
    /// An extractor over the given lexicon.
    pub fn new(lexicon: Lexicon) -> Self {
        ParseExtractor {
            fallback: PatternExtractor::new(lexicon.clone()),
            lexicon,
            open_relations: false,
            group_links: false,
        }
    }
}

impl RelationExtractor for ParseExtractor {
    fn extract(&self, ann: &Annotated) -> Vec<LocalRelation> {
        let mut out = Vec::new();
        standing_facts(ann, self.group_links, &mut out);
        for si in 0..ann.sentences.len() {
            match Tree::new(ann, si) {
                Some(tree) => {
                    self.sentence(&tree, si, &mut out);
                    title_facts(ann, &tree, si, &mut out);
                    super::pattern::adjacent_places(ann, si, &mut out);
                }
                None => self.fallback.sentence(ann, si, &mut out),
            }
        }
        single_leaders(ann, &mut out);
        super::date_events(ann, &mut out);
        // The same fact from the entity stage and from the parse counts once.
        let mut seen = std::collections::HashSet::new();
        out.retain(|r| {
            seen.insert((
                r.source,
                r.target,
                r.relation.clone(),
                r.modality,
                r.sentence,
            ))
        });
        out
    }
}

/// A person leads one country: when an article gives several, the one it
/// states most often stands ("US President Barack Obama" twice outweighs a
/// misread "Obama, the Russian head of state was waiting").
fn single_leaders(ann: &Annotated, out: &mut Vec<LocalRelation>) {
    use std::collections::HashMap;
    let is_country = |e: usize| ann.entities[e].kind == EntityType::Gpe;
    let mut counts: HashMap<(usize, usize), usize> = HashMap::new();
    for r in out
        .iter()
        .filter(|r| r.relation == "leader_of" && is_country(r.target))
    {
        *counts.entry((r.source, r.target)).or_default() += 1;
    }
    let mut best: HashMap<usize, usize> = HashMap::new();
    for (&(s, _), &c) in &counts {
        let e = best.entry(s).or_insert(c);
        *e = (*e).max(c);
    }
    // Ties all stay: nothing says which is wrong.
    out.retain(|r| {
        !(r.relation == "leader_of" && is_country(r.target))
            || counts.get(&(r.source, r.target)) == best.get(&r.source)
    });
}

/// One trigger occurrence: its head token, the tokens it spans, its entry.
struct Hit<'a> {
    head: usize,
    span: std::ops::Range<usize>,
    trigger: &'a Trigger,
}

impl ParseExtractor {
    fn sentence(&self, tree: &Tree, si: usize, out: &mut Vec<LocalRelation>) {
        let mut used = vec![false; tree.len()];
        for hit in self.triggers(tree) {
            if hit.span.clone().any(|k| used[k]) {
                continue;
            }
            let (subjects, objects) = match hit.trigger.kind {
                TriggerKind::Verb => verb_args(tree, &hit),
                TriggerKind::Noun => noun_args(tree, &hit),
            };
            if subjects.is_empty() && objects.is_empty() {
                continue;
            }
            used[hit.span.clone()].iter_mut().for_each(|u| *u = true);
            let modality = of_trigger(tree, hit.head);
            let words = tree.lower[hit.span.clone()].join(" ");
            // "called Kim 'Little Rocket Man'" names, it does not phone; a
            // quoted name for someone is a jibe.
            if hit.trigger.kind == TriggerKind::Verb
                && hit.span.len() == 1
                && tree.lemma(hit.head) == "call"
                && naming(tree, hit.head)
            {
                if quoted_after(tree, hit.head) {
                    let jibe = Trigger {
                        relation: "criticized".into(),
                        ..hit.trigger.clone()
                    };
                    let hit = Hit {
                        trigger: &jibe,
                        ..hit
                    };
                    emit(tree, &hit, &subjects, &objects, modality, si, &words, out);
                }
                continue;
            }
            emit(tree, &hit, &subjects, &objects, modality, si, &words, out);
        }
        agent_nouns(tree, si, out);
        if self.open_relations {
            open_relations(tree, &used, si, out);
        }
        located(tree, si, out);
    }

    /// Trigger occurrences, longest first at each position; a word tagged as a
    /// noun takes noun entries and a verb verb entries.
    fn triggers<'a>(&'a self, tree: &Tree) -> Vec<Hit<'a>> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < tree.len() {
            // Names are not triggers ("the Shutdown Act", "Mr. Strike").
            if tree.ment[i].is_some_and(|m| tree.mentions[m].is_name) {
                i += 1;
                continue;
            }
            let as_noun = matches!(tree.upos(i), "NOUN" | "PROPN");
            let as_verb = matches!(tree.upos(i), "VERB" | "ADJ")
                || (tree.upos(i) == "NOUN" && tree.xpos(i).starts_with("VB"));
            let mut best: Option<(&Trigger, usize)> = None;
            self.lexicon.each_match(&tree.lower, i, |t, n| {
                let fits = match t.kind {
                    TriggerKind::Noun => as_noun,
                    TriggerKind::Verb => as_verb || (n > 1 && tree.upos(i) != "NOUN"),
                };
                if fits && best.is_none_or(|(_, bn)| n > bn) {
                    best = Some((t, n));
                }
            });
            match best {
                Some((t, n)) => {
                    // A noun phrase's head is its last word ("telephone conversation").
                    let head = match t.kind {
                        TriggerKind::Noun => i + n - 1,
                        TriggerKind::Verb => i,
                    };
                    hits.push(Hit {
                        head,
                        span: i..i + n,
                        trigger: t,
                    });
                    i += n;
                }
                None => i += 1,
            }
        }
        hits
    }
}

/// Nouns that name someone by what they do to another: "a strong supporter
/// of Israel", "Trump supporter Lindsey Graham", "a critic of the deal".
const AGENT_NOUNS: [(&str, &str); 8] = [
    ("supporter", "supported"),
    ("backer", "supported"),
    ("ally", "supported"),
    ("defender", "supported"),
    ("critic", "criticized"),
    ("detractor", "criticized"),
    ("opponent", "opposed"),
    ("admirer", "praised"),
];

/// Relations stated by agent nouns: the one the noun describes (copula
/// subject, apposition, or the name it modifies) acts on the one named by
/// "of", a possessive or a modifier.
fn agent_nouns(tree: &Tree, si: usize, out: &mut Vec<LocalRelation>) {
    for n in 0..tree.len() {
        if tree.upos(n) != "NOUN" || tree.ment[n].is_some() {
            continue;
        }
        let Some(&(_, relation)) = AGENT_NOUNS.iter().find(|(w, _)| *w == tree.lemma(n)) else {
            continue;
        };
        let mut agents = Vec::new();
        if tree.kid(n, "cop").is_some() {
            for c in tree.kids_with(n, "nsubj") {
                args(tree, c, &mut agents);
            }
        }
        for a in tree.kids_with(n, "appos") {
            args(tree, a, &mut agents);
        }
        if let Some(h) = tree.head(n) {
            if matches!(tree.deprel(n), "appos" | "compound" | "nmod:desc" | "flat") {
                args(tree, h, &mut agents);
            }
        }
        let mut targets = Vec::new();
        for &k in tree.kids(n) {
            let rel = tree.deprel(k);
            let of = label_is(rel, "nmod") && matches!(tree.case_of(k), Some("of" | "to"));
            if of || rel == "nmod:poss" || (rel == "compound" && k < n) {
                args(tree, k, &mut targets);
            }
        }
        let modality = of_trigger(tree, n);
        for &a in &agents {
            for &t in &targets {
                let (am, tm) = (&tree.mentions[a], &tree.mentions[t]);
                if !is_actor(am.kind) || !is_actor(tm.kind) {
                    continue;
                }
                if let (Some(se), Some(oe)) = (am.entity, tm.entity) {
                    let w = tree.lower[n].clone();
                    push(out, se, oe, relation, modality, si, &w, 0.7);
                }
            }
        }
    }
}

/// "call X Y": a second complement after the object, or "what they called
/// X". A phone call ends its object with the clause, a preposition or an
/// adverb ("called Putin on Tuesday", "called him to discuss").
fn naming(tree: &Tree, v: usize) -> bool {
    let complements = tree
        .kids(v)
        .iter()
        .filter(|&&k| matches!(tree.deprel(k), "obj" | "xcomp" | "iobj" | "ccomp"))
        .count();
    if complements >= 2 || tree.kids_with(v, "xcomp").next().is_some() {
        return true;
    }
    if v > 0 && matches!(tree.lower[v - 1].as_str(), "what" | "it" | "so") {
        return true;
    }
    let Some(o) = tree.kid(v, "obj") else {
        return false;
    };
    let next = tree.subtree_end(o) + 1;
    next < tree.len()
        && (is_quote(&tree.lower[next])
            || matches!(tree.upos(next), "DET" | "ADJ" | "NOUN" | "PROPN" | "NUM"))
}

fn is_quote(w: &str) -> bool {
    matches!(w, "\"" | "\u{201c}" | "``" | "'" | "\u{2018}")
}

/// Whether a quotation mark follows the verb in its clause.
fn quoted_after(tree: &Tree, v: usize) -> bool {
    (v + 1..tree.len().min(v + 8)).any(|k| is_quote(&tree.lower[k]))
}

/// The mentions a nominal token stands for: its own mention, an apposition's,
/// a government or voice noun's owner, and those of its conjuncts.
fn args(tree: &Tree, t: usize, out: &mut Vec<usize>) {
    args_at(tree, t, out, 0);
}

fn args_at(tree: &Tree, t: usize, out: &mut Vec<usize>, depth: usize) {
    if depth > 4 {
        return;
    }
    if let Some(m) = tree.ment[t] {
        for m in std::iter::once(m).chain(tree.also[t].iter().copied()) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    } else {
        let mut found = false;
        for a in tree.kids_with(t, "appos") {
            if let Some(m) = tree.ment[a] {
                found = true;
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
        let government = GOVERNMENT_NOUNS.contains(&tree.lemma(t));
        if !found && (government || VOICE_NOUNS.contains(&tree.lemma(t))) {
            // A government noun's owner may be a modifier ("the Obama
            // administration"); a voice noun's is its possessor, an actor.
            let owner = tree.kids(t).iter().find_map(|&k| {
                let rel = tree.deprel(k);
                let m = tree.ment[k]?;
                let ok = if government {
                    matches!(rel, "compound" | "amod" | "nmod:poss")
                } else {
                    rel == "nmod:poss" && is_actor(tree.mentions[m].kind)
                };
                ok.then_some(m)
            });
            if let Some(m) = owner {
                // "the Putin government": the country he leads, when known.
                let person = &tree.mentions[m];
                let led = (government && person.kind == EntityType::Person)
                    .then(|| {
                        tree.leads
                            .iter()
                            .find(|(e, _)| Some(*e) == person.entity)
                            .map(|&(_, c)| c)
                    })
                    .flatten();
                let m = led.unwrap_or(m);
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
    }
    for c in tree.kids_with(t, "conj") {
        if tree.nominal(c) {
            args_at(tree, c, out, depth + 1);
        }
    }
}

fn is_relative(tree: &Tree, k: usize) -> bool {
    RELATIVE.contains(&tree.lower[k].as_str()) && matches!(tree.upos(k), "PRON" | "DET")
}

/// The actors of a predicate `v` (a verb, or an event noun's governing verb).
fn subjects(tree: &Tree, v: usize, depth: usize, out: &mut Vec<usize>) {
    if depth > 5 {
        return;
    }
    let passive = tree.passive(v);
    let before = out.len();
    for &c in tree.kids(v) {
        let rel = tree.deprel(c);
        if rel == "nsubj" || rel == "nsubj:outer" || rel == "csubj" {
            if is_relative(tree, c) && tree.deprel(v) == "acl:relcl" {
                if let Some(h) = tree.head(v) {
                    args(tree, h, out);
                }
            } else {
                args(tree, c, out);
            }
        } else if passive
            && (rel == "obl:agent" || (label_is(rel, "obl") && tree.case_of(c) == Some("by")))
        {
            args(tree, c, out);
        }
    }
    if out.len() > before || tree.kids_with(v, "nsubj").next().is_some() {
        return;
    }
    if passive && tree.deprel(v) != "conj" {
        return;
    }
    // A finite verb with neither subject nor marker right after a comma or
    // conjunction ("after Putin backed Assad, annexed Crimea") continues the
    // predicate before it, whatever clause the parser hung it on.
    if matches!(tree.deprel(v), "parataxis" | "advcl" | "ccomp")
        && matches!(tree.xpos(v), "VBD" | "VBZ" | "VBP")
        && tree.kid(v, "mark").is_none()
    {
        if let Some(u) = tree.predicate_before(v) {
            subjects(tree, u, depth + 1, out);
            return;
        }
    }
    let Some(h) = tree.head(v) else { return };
    match tree.deprel(v) {
        "xcomp" => {
            // Raising over a passive: "is scheduled to visit", "is expected
            // to meet": the surface subject acts.
            if tree.passive(h) {
                let before = out.len();
                for c in tree.kids_with(h, "nsubj:pass") {
                    args(tree, c, out);
                }
                if out.len() > before {
                    return;
                }
            }
            if CAUSATIVE.contains(&tree.lemma(h)) {
                subjects(tree, h, depth + 1, out);
                return;
            }
            if OBJECT_CONTROL.contains(&tree.lemma(h)) {
                if let Some(o) = tree.kid(h, "obj") {
                    args(tree, o, out);
                    return;
                }
            }
            subjects(tree, h, depth + 1, out);
        }
        "conj" if tree.verbal(h) => {
            let h = tree.conj_anchor(v).unwrap_or(h);
            if tree.passive(h) && !passive {
                return;
            }
            subjects(tree, h, depth + 1, out);
        }
        "advcl" | "acl"
            if OBJECT_OF_GERUND.contains(&tree.lemma(h)) && tree.kid(h, "obj").is_some() =>
        {
            if let Some(o) = tree.kid(h, "obj") {
                args(tree, o, out);
            }
        }
        // A purpose infinitive the parser hung on the verb: "dispatched
        // Pompeo earlier this month to meet Kim".
        "advcl"
            if OBJECT_CONTROL.contains(&tree.lemma(h))
                && tree.kid(v, "mark").is_some_and(|m| tree.lower[m] == "to")
                && tree.kid(h, "obj").is_some() =>
        {
            if let Some(o) = tree.kid(h, "obj") {
                args(tree, o, out);
            }
        }
        "advcl" => {
            // "retaliated by expelling", "after meeting X": the clause's subject.
            let mark = tree.kid(v, "mark").map(|m| tree.lower[m].as_str());
            let nonfinite = matches!(tree.xpos(v), "VBG" | "VB" | "VBN");
            if nonfinite && !matches!(mark, Some("if" | "because" | "as" | "since" | "although")) {
                let before = out.len();
                subjects(tree, h, depth + 1, out);
                // "X said the talks went well after speaking with Y": when the
                // clause it hangs on has no actor, the reporting clause's.
                if out.len() == before && tree.deprel(h) == "ccomp" {
                    if let Some(g) = tree.head(h) {
                        subjects(tree, g, depth + 2, out);
                    }
                }
            }
        }
        // "officials accusing Russia"; not "a complaint with the Justice
        // Department alleging", where the participle belongs to the phrase.
        "acl" if tree.xpos(v) == "VBG" => {
            if tree.kid(h, "case").is_none() {
                args(tree, h, out);
            }
            // "didn't waste any time praising": the clause's subject.
            let time = matches!(tree.lemma(h), "time" | "moment" | "day" | "hour" | "minute");
            if out.len() == before && time {
                if let Some(g) = tree.head(h).filter(|&g| tree.verbal(g)) {
                    subjects(tree, g, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

fn verb_args(tree: &Tree, hit: &Hit) -> (Vec<usize>, Vec<usize>) {
    let v = hit.head;
    let t = hit.trigger;
    let mut subs = Vec::new();
    subjects(tree, v, 0, &mut subs);
    let mut objs = Vec::new();
    // Claims: "alleged that Russia hacked", "claimed that Bolivia meddled":
    // the reported clause's subject is the one accused.
    if t.relation == "accused" {
        for c in tree.kids_with(v, "ccomp") {
            for s in tree.kids_with(c, "nsubj") {
                args(tree, s, &mut objs);
            }
        }
    }
    if t.intransitive {
        return (subs, objs);
    }
    let passive = tree.passive(v);
    // Prepositions that introduce the object: the entry's, and a phrase's
    // particle ("call on", "lash out at").
    let prep_ok = |p: &str| t.preps.iter().any(|x| x == p) || t.rest.iter().any(|x| x == p);
    // The object may hang off any word of a phrase trigger ("held talks with").
    for w in hit.span.clone() {
        for &c in tree.kids(w) {
            if hit.span.contains(&c) {
                continue;
            }
            let rel = tree.deprel(c);
            let take = match rel {
                "obj" | "iobj" => !passive,
                "nsubj:pass" => true,
                _ if label_is(rel, "obl") || label_is(rel, "nmod") => {
                    rel != "obl:agent" && tree.case_of(c).is_some_and(prep_ok)
                }
                _ => false,
            };
            if take {
                if tree.ment[c].is_none()
                    && tree.kids_with(c, "appos").next().is_none()
                    && object_inside(tree, c, t, &prep_ok, &mut objs)
                {
                    continue;
                }
                if rel == "nsubj:pass" && is_relative(tree, c) {
                    if let Some(h) = tree.head(v) {
                        args(tree, h, &mut objs);
                    }
                } else {
                    args(tree, c, &mut objs);
                }
            }
        }
    }
    // Coordinated verbs share an object: "condemned and sanctioned Belarus".
    if objs.is_empty() && !passive {
        for c in tree.kids_with(v, "conj") {
            if tree.upos(c) == "VERB" && tree.kid(c, "nsubj").is_none() {
                for o in tree.kids_with(c, "obj") {
                    args(tree, o, &mut objs);
                }
            }
        }
        if tree.deprel(v) == "conj" {
            if let Some(h) = tree.head(v) {
                for o in tree.kids_with(h, "obj").filter(|&o| o > v) {
                    args(tree, o, &mut objs);
                }
            }
        }
    }
    if objs.is_empty() {
        match tree.deprel(v) {
            // "the compounds ordered shuttered by Obama"
            "acl" if tree.xpos(v) == "VBN" => {
                if let Some(h) = tree.head(v) {
                    args(tree, h, &mut objs);
                }
            }
            // "the diplomats Obama expelled"
            "acl:relcl" if tree.kid(v, "obj").is_none() && !passive => {
                if let Some(h) = tree.head(v) {
                    args(tree, h, &mut objs);
                }
            }
            // "were detained and charged": the first verb's subject.
            "conj" if passive => {
                if let Some(h) = tree.head(v) {
                    for c in tree.kids_with(h, "nsubj:pass") {
                        args(tree, c, &mut objs);
                    }
                }
            }
            _ => {}
        }
    }
    (subs, objs)
}

/// The object of an event when the word in object position is not an
/// entity: "broke off relations with Taiwan" (the preposition under the
/// noun), "meddled in Guyana's election", "praised the Kremlin's move"
/// (the possessor), "denounced Belarusian interference" (the modifier of an
/// evaluated event), "defended the leadership of X". True when found.
fn object_inside(
    tree: &Tree,
    c: usize,
    t: &Trigger,
    prep_ok: &dyn Fn(&str) -> bool,
    objs: &mut Vec<usize>,
) -> bool {
    let before = objs.len();
    for k in tree.kids(c).iter().copied() {
        if label_is(tree.deprel(k), "nmod") && tree.case_of(k).is_some_and(prep_ok) {
            args(tree, k, objs);
        }
    }
    if objs.len() > before {
        return true;
    }
    let rel = t.relation.as_str();
    if DIRECT_ONLY.contains(&rel) {
        return false;
    }
    if let Some(p) = tree.kid(c, "nmod:poss") {
        args(tree, p, objs);
    }
    if objs.len() == before {
        let evaluative = EVALUATIVE.contains(&rel);
        for k in tree.kids(c).iter().copied() {
            let r = tree.deprel(k);
            let of = evaluative && label_is(r, "nmod") && tree.case_of(k) == Some("of");
            if of || ((r == "amod" || r == "compound") && k < c) {
                args(tree, k, objs);
            }
        }
    }
    objs.len() > before
}

fn noun_args(tree: &Tree, hit: &Hit) -> (Vec<usize>, Vec<usize>) {
    let n = hit.head;
    let t = hit.trigger;
    let prep_ok = |p: &str| t.preps.iter().any(|x| x == p);
    let mut subs = Vec::new();
    let mut objs = Vec::new();
    let mut between = Vec::new();
    for &c in tree.kids(n) {
        let rel = tree.deprel(c);
        if rel == "nmod:poss" {
            args(tree, c, &mut subs);
        } else if label_is(rel, "nmod") || label_is(rel, "obl") || rel == "acl" {
            match tree.case_of(c) {
                Some("by") => args(tree, c, &mut subs),
                Some("between" | "among") => args(tree, c, &mut between),
                Some(p) if prep_ok(p) => args(tree, c, &mut objs),
                _ => {}
            }
        }
    }
    // "the expulsion of Ecuadorian diplomats by Argentina": the by-phrase
    // may attach to the object.
    if subs.is_empty() {
        for &c in tree.kids(n) {
            if label_is(tree.deprel(c), "nmod") && tree.case_of(c).is_some_and(prep_ok) {
                for b in tree.kids(c).iter().copied() {
                    if label_is(tree.deprel(b), "nmod") && tree.case_of(b) == Some("by") {
                        args(tree, b, &mut subs);
                    }
                }
            }
        }
    }
    // "allegations that Belarus was pushing migrants": the clause's subject.
    if t.relation == "accused" && objs.is_empty() {
        for c in tree.kids(n).iter().copied() {
            if matches!(tree.deprel(c), "acl" | "ccomp") {
                for s in tree.kids_with(c, "nsubj") {
                    args(tree, s, &mut objs);
                }
            }
        }
    }
    // "revenge for France's expulsion of …": the possessor of the object noun.
    if objs.is_empty() && !DIRECT_ONLY.contains(&t.relation.as_str()) {
        for &c in tree.kids(n) {
            let r = tree.deprel(c);
            if (label_is(r, "nmod") || label_is(r, "obl"))
                && tree.ment[c].is_none()
                && tree.case_of(c).is_some_and(prep_ok)
            {
                object_inside(tree, c, t, &|_| false, &mut objs);
            }
        }
    }
    let head = tree.head(n);
    let rel = tree.deprel(n);
    // "imposed sanctions on Iran": the preposition may attach to the verb.
    if let Some(h) = head {
        let light = LIGHT.contains(&tree.lemma(h)) && tree.upos(h) == "VERB";
        if objs.is_empty() && light && (rel == "obj" || rel == "nsubj:pass") {
            for c in tree.kids(h) {
                if label_is(tree.deprel(*c), "obl") && tree.case_of(*c).is_some_and(prep_ok) {
                    args(tree, *c, &mut objs);
                }
            }
        }
        if subs.is_empty() && tree.verbal(h) {
            let via_light = light && (rel == "obj" || rel == "nsubj:pass" || rel == "xcomp");
            // "said at a press conference with Abe", "after talks with X",
            // "expelled them in retaliation for", "as revenge for".
            let symmetric_setting = is_symmetric(&t.relation) && label_is(rel, "obl");
            let adverbial = label_is(rel, "obl")
                && matches!(tree.case_of(n), Some("in" | "as"))
                && t.relation == "retaliated_against";
            if via_light || symmetric_setting || adverbial {
                subjects(tree, h, 0, &mut subs);
            }
        }
    }
    // "U.S. sanctions against Moscow", "Russian meddling in the election": a
    // name modifying the event noun is its actor when an object is named.
    if subs.is_empty() && !objs.is_empty() {
        for &c in tree.kids(n) {
            if matches!(tree.deprel(c), "compound" | "amod") && c < n {
                args(tree, c, &mut subs);
            }
        }
    }
    if subs.is_empty() && objs.is_empty() && between.len() >= 2 {
        return (between, Vec::new());
    }
    (subs, objs)
}

#[allow(clippy::too_many_arguments)]
fn emit(
    tree: &Tree,
    hit: &Hit,
    subs: &[usize],
    objs: &[usize],
    modality: Modality,
    si: usize,
    words: &str,
    out: &mut Vec<LocalRelation>,
) {
    let t = hit.trigger;
    let ment = |m: usize| &tree.mentions[m];
    let symmetric = is_symmetric(&t.relation);
    let object_ok = |m: usize| t.objects.contains(&ment(m).kind);
    let subs: Vec<usize> = subs
        .iter()
        .copied()
        .filter(|&m| is_actor(ment(m).kind))
        .collect();
    if objs.is_empty() {
        // "Tillerson and Lavrov will meet": a symmetric event among the
        // subjects, unless the verb has an object of its own ("Bush and
        // Christie each receive 7 percent").
        let own_object = hit.trigger.kind == TriggerKind::Verb
            && tree.kid(hit.head, "obj").is_some_and(|o| {
                tree.upos(o) == "NUM"
                    || tree
                        .kids(o)
                        .iter()
                        .any(|&k| matches!(tree.deprel(k), "det" | "nummod" | "nmod:poss"))
            });
        if symmetric && subs.len() >= 2 && !own_object {
            for (k, &a) in subs.iter().enumerate().take(4) {
                for &b in subs.iter().skip(k + 1).take(4) {
                    add(tree, a, b, t, modality, si, words, out);
                }
            }
        }
        return;
    }
    for &s in &subs {
        for &o in objs {
            if object_ok(o) {
                add(tree, s, o, t, modality, si, words, out);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn add(
    tree: &Tree,
    s: usize,
    o: usize,
    t: &Trigger,
    modality: Modality,
    si: usize,
    words: &str,
    out: &mut Vec<LocalRelation>,
) {
    let (Some(se), Some(oe)) = (tree.mentions[s].entity, tree.mentions[o].entity) else {
        return;
    };
    // One person "attacking" another in politics is verbal.
    let persons =
        tree.mentions[s].kind == EntityType::Person && tree.mentions[o].kind == EntityType::Person;
    let relation = if t.relation == "attacked" && persons {
        "criticized"
    } else {
        t.relation.as_str()
    };
    push(out, se, oe, relation, modality, si, words, 0.8);
}

/// `related_to` edges for verbs outside the lexicon between a subject and a
/// direct object that are both entities, with the verb's lemma.
fn open_relations(tree: &Tree, used: &[bool], si: usize, out: &mut Vec<LocalRelation>) {
    for (v, &was_used) in used.iter().enumerate() {
        if was_used || tree.upos(v) != "VERB" || NOT_OPEN.contains(&tree.lemma(v)) {
            continue;
        }
        let mut subs = Vec::new();
        subjects(tree, v, 0, &mut subs);
        let mut objs = Vec::new();
        if !tree.passive(v) {
            for o in tree.kids_with(v, "obj") {
                args(tree, o, &mut objs);
            }
        }
        for &s in &subs {
            for &o in &objs {
                let (Some(se), Some(oe)) = (tree.mentions[s].entity, tree.mentions[o].entity)
                else {
                    continue;
                };
                if se == oe || !is_actor(tree.mentions[s].kind) {
                    continue;
                }
                let modality = of_trigger(tree, v);
                out.push(LocalRelation {
                    source: se,
                    target: oe,
                    relation: "related_to".to_string(),
                    modality,
                    sentence: si,
                    trigger: tree.lower[v].clone(),
                    confidence: 0.5,
                    event_date: None,
                    lemma: Some(tree.lemma(v).to_string()),
                });
            }
        }
    }
}

/// Titles the parse ties to a person: appositions ("Grace Wanjiru, his
/// Kenyan counterpart", "Sudan's president, Idris Osman", "X, the head of the
/// European Council") and copulas ("Diego Ferrer has been Argentina's
/// president"), with the affiliation named in the title's phrase.
fn title_facts(ann: &Annotated, tree: &Tree, si: usize, out: &mut Vec<LocalRelation>) {
    let g = crate::gazetteer::Gazetteer::get();
    for p in 0..tree.len() {
        let Some(m) = tree.ment[p] else { continue };
        let person = &tree.mentions[m];
        if person.kind != EntityType::Person
            || tree.head(p).is_some_and(|h| tree.ment[h] == Some(m))
        {
            continue;
        }
        let Some(pe) = person.entity else { continue };
        let mut titles: Vec<usize> = tree.kids_with(p, "appos").collect();
        if let Some(h) = tree.head(p) {
            let rel = tree.deprel(p);
            if rel == "appos" || (rel == "nsubj" && tree.kid(h, "cop").is_some()) {
                titles.push(h);
            }
        }
        for t in titles {
            if tree.ment[t].is_some() || !matches!(tree.upos(t), "NOUN" | "PROPN") {
                continue;
            }
            let relation = if tree.lower[t] == "counterpart" {
                "member_of"
            } else {
                match g.title_before(&tree.lower, t + 1) {
                    Some((_, title)) => title.relation,
                    None => continue,
                }
            };
            let mut affs: Vec<usize> = Vec::new();
            for &k in tree.kids(t) {
                let rel = tree.deprel(k);
                let modifier = matches!(rel, "nmod:poss" | "amod" | "compound");
                let of =
                    label_is(rel, "nmod") && matches!(tree.case_of(k), Some("of" | "for" | "at"));
                if !(modifier || of) {
                    continue;
                }
                let before = affs.len();
                let mut ms = Vec::new();
                args(tree, k, &mut ms);
                for a in ms {
                    let am = &tree.mentions[a];
                    if matches!(am.kind, EntityType::Gpe | EntityType::Org) {
                        if let Some(e) = am.entity {
                            affs.push(e);
                        }
                    }
                }
                // A demonym that made no mention ("his Kenyan counterpart").
                if affs.len() == before && rel == "amod" {
                    let word = [tree.toks[k].form.as_str()];
                    if let Some((_, es)) = g.longest_match(&word, 0) {
                        if let Some(e) = es
                            .first()
                            .and_then(|e| ann.entities.iter().position(|x| x.name == e.canonical))
                        {
                            affs.push(e);
                        }
                    }
                }
            }
            for a in affs {
                let w = tree.lower[t].clone();
                push(out, pe, a, relation, Modality::Asserted, si, &w, 0.8);
            }
        }
    }
}

/// Standing facts the parse shows: "its consulate in San Francisco"
/// (located_in, owned_by), "the summit in Quebec", "compounds located on
/// American soil".
fn located(tree: &Tree, si: usize, out: &mut Vec<LocalRelation>) {
    for h in 0..tree.len() {
        let Some(m) = tree.ment[h] else { continue };
        let mention = &tree.mentions[m];
        // Only the head word of the mention speaks for it.
        if tree.head(h).is_some_and(|p| tree.ment[p] == Some(m)) {
            continue;
        }
        let placeable = matches!(
            mention.kind,
            EntityType::Facility | EntityType::Event | EntityType::Org
        );
        if !placeable {
            continue;
        }
        let mut places = Vec::new();
        for &c in tree.kids(h) {
            let rel = tree.deprel(c);
            if label_is(rel, "nmod") && matches!(tree.case_of(c), Some("in" | "at" | "on")) {
                args(tree, c, &mut places);
            }
            // "compounds located on American soil", "which is headquartered in"
            if (rel == "acl" || rel == "acl:relcl") && LOCATE.contains(&tree.lemma(c)) {
                for p in tree.kids_with(c, "obl") {
                    args(tree, p, &mut places);
                    for q in tree.kids(p) {
                        if matches!(tree.deprel(*q), "amod" | "compound" | "nmod") {
                            args(tree, *q, &mut places);
                        }
                    }
                }
            }
            if mention.kind == EntityType::Facility && rel == "nmod:poss" {
                let mut owners = Vec::new();
                args(tree, c, &mut owners);
                for o in owners {
                    if matches!(tree.mentions[o].kind, EntityType::Gpe | EntityType::Org) {
                        let (Some(se), Some(oe)) = (mention.entity, tree.mentions[o].entity) else {
                            continue;
                        };
                        let w = tree.lower[c].clone();
                        push(out, se, oe, "owned_by", Modality::Asserted, si, &w, 0.7);
                    }
                }
            }
        }
        for p in places {
            let pm = &tree.mentions[p];
            if !matches!(pm.kind, EntityType::Gpe | EntityType::Loc) {
                continue;
            }
            if let (Some(se), Some(oe)) = (mention.entity, pm.entity) {
                push(out, se, oe, "located_in", Modality::Asserted, si, "in", 0.8);
            }
        }
    }
}
