//! Modality from the parse: how the text commits to an event.
//!
//! A trigger's modality comes from the words that govern it: auxiliaries
//! (will, may), negators (not, never, no), subordinators (if, whether,
//! without) and governing verbs and adjectives ("refrained from expelling",
//! "plans to meet", "is likely to retaliate", "claimed that X hacked"),
//! collected by climbing from the trigger through the clauses that embed it.
//! The nearest cue wins, except that negation wins over everything.

use super::tree::{label_is, Tree};
use crate::ontology::Modality;

/// The word lists that decide modality. They are general English, not
/// tuned to any article.
pub struct Cues;

impl Cues {
    /// Negators as dependents of the predicate.
    pub const NEGATORS: [&'static str; 5] = ["not", "n't", "never", "no", "nor"];
    /// Governing verbs that negate what they govern; negated themselves,
    /// they assert it ("didn't waste any time praising", "did not hesitate to
    /// condemn", "did not stop cooperating").
    pub const NEGATING: [&'static str; 13] = [
        "refrain", "fail", "decline", "refuse", "deny", "avoid", "abstain", "forgo", "waste",
        "hesitate", "stop", "cease", "reject",
    ];
    /// Auxiliaries and governors of plans.
    pub const PLANNED: [&'static str; 17] = [
        "will", "shall", "'ll", "wo", "plan", "intend", "schedule", "set", "prepare", "aim", "vow",
        "pledge", "promise", "agree", "arrange", "due", "upcoming",
    ];
    /// Auxiliaries and governors of possibility, expectation and claims.
    pub const UNCERTAIN: [&'static str; 27] = [
        "may",
        "might",
        "could",
        "would",
        "should",
        "must",
        "likely",
        "unlikely",
        "possible",
        "possibly",
        "perhaps",
        "probably",
        "expect",
        "hope",
        "seek",
        "try",
        "threaten",
        "consider",
        "allege",
        "alleged",
        "allegedly",
        "claim",
        "suspect",
        "suspected",
        "potential",
        "purported",
        "reportedly",
    ];
    /// Subordinators that make a clause conditional or open.
    pub const CONDITIONAL: [&'static str; 3] = ["if", "unless", "whether"];
    /// Adjectives on an event noun that make it planned.
    pub const PLANNED_NOUN: [&'static str; 7] = [
        "planned",
        "upcoming",
        "future",
        "scheduled",
        "forthcoming",
        "proposed",
        "next",
    ];
    /// Verbs whose subject is an event that happens (or not).
    pub const HAPPEN: [&'static str; 9] = [
        "take", "happen", "occur", "hold", "go", "start", "begin", "proceed", "resume",
    ];
    /// Verbs of desire: what someone wants to do has not happened, except
    /// for a speaker's own formula ("I want to thank …" thanks).
    pub const DESIRE: [&'static str; 2] = ["want", "wish"];
    /// Verbs of waiting: what they wait to do is planned.
    pub const WAITING: [&'static str; 5] = ["wait", "hold", "delay", "postpone", "defer"];
    /// Verbs of claiming: what they report is uncertain ("X claimed that Y hacked").
    pub const CLAIMS: [&'static str; 8] = [
        "claim", "allege", "suspect", "accuse", "charge", "fear", "believe", "suggest",
    ];
}

fn is(list: &[&str], w: &str) -> bool {
    list.contains(&w)
}

/// The modality of the trigger at token `t`.
pub(super) fn of_trigger(tree: &Tree, t: usize) -> Modality {
    let mut negated = false;
    let mut found: Option<Modality> = None;
    let set = |m: Modality, found: &mut Option<Modality>| {
        if found.is_none() {
            *found = Some(m);
        }
    };
    let mut x = t;
    for _ in 0..8 {
        let mut neg_here = false;
        let mut own_aux = false;
        for &c in tree.kids(x) {
            let w = tree.lower[c].as_str();
            let rel = tree.deprel(c);
            if label_is(rel, "aux") && rel != "aux:pass" {
                own_aux = true;
                let lemma = tree.lemma(c);
                if is(&Cues::PLANNED, w) || is(&Cues::PLANNED, lemma) {
                    set(Modality::Planned, &mut found);
                } else if is(&Cues::UNCERTAIN, w) {
                    set(Modality::Uncertain, &mut found);
                }
            } else if matches!(rel, "advmod" | "det" | "neg" | "cc:preconj") {
                if is(&Cues::NEGATORS, w) {
                    let next = tree.lower.get(c + 1).map(String::as_str);
                    // "not only … but also" asserts.
                    if !matches!(next, Some("only" | "just" | "merely")) {
                        neg_here = true;
                    }
                } else if w == "yet" && tree.kid(x, "mark").is_some_and(|m| tree.lower[m] == "to") {
                    // "are yet to meet"
                    neg_here = true;
                } else if is(&Cues::UNCERTAIN, w) {
                    set(Modality::Uncertain, &mut found);
                }
            } else if rel == "mark" {
                if is(&Cues::CONDITIONAL, w) {
                    set(Modality::Uncertain, &mut found);
                } else if w == "without" {
                    neg_here = true;
                }
            } else if rel == "amod" || rel == "compound" {
                if is(&Cues::PLANNED_NOUN, w) {
                    set(Modality::Planned, &mut found);
                } else if is(&Cues::UNCERTAIN, w) {
                    set(Modality::Uncertain, &mut found);
                }
            } else if rel == "advcl" {
                // A conditional clause on the predicate: "will sanction X if it …".
                let cond = tree
                    .kids_with(c, "mark")
                    .any(|m| is(&Cues::CONDITIONAL, tree.lower[m].as_str()));
                if cond {
                    set(Modality::Uncertain, &mut found);
                }
            }
        }
        if x != t {
            let lemma = tree.lemma(x);
            let forward =
                lemma == "look" && tree.kids(x).iter().any(|&k| tree.lower[k] == "forward");
            if is(&Cues::NEGATING, lemma) {
                // Two negations assert.
                negated ^= true;
            } else if forward {
                // "looks forward to working with"
                set(Modality::Planned, &mut found);
            } else if is(&Cues::PLANNED, lemma) {
                set(Modality::Planned, &mut found);
            } else if is(&Cues::UNCERTAIN, lemma) {
                set(Modality::Uncertain, &mut found);
            } else if is(&Cues::DESIRE, lemma) {
                let speaker = tree
                    .kid(x, "nsubj")
                    .is_some_and(|s| matches!(tree.lower[s].as_str(), "i" | "we"));
                if !speaker {
                    set(Modality::Uncertain, &mut found);
                }
            }
        }
        negated ^= neg_here;
        let Some(h) = tree.head(x) else { break };
        let rel = tree.deprel(x);
        let climb = match rel {
            "xcomp" => true,
            // A conjoined predicate shares the first one's auxiliaries
            // unless it has its own ("will meet and discuss").
            "conj" => !own_aux && tree.kids_with(x, "nsubj").next().is_none() && tree.verbal(h),
            // Reported claims: "X alleged that Y hacked Z".
            "ccomp" => {
                let gl = tree.lemma(h);
                if is(&Cues::CLAIMS, gl) || is(&Cues::UNCERTAIN, gl) {
                    set(Modality::Uncertain, &mut found);
                }
                if is(&Cues::NEGATING, gl) {
                    negated ^= true;
                }
                false
            }
            // An event noun takes the modality of its clause ("will impose
            // sanctions", "plans a visit"), and a clause modifying a noun that of
            // the noun ("his plan to meet").
            _ if x == t && !tree.verbal(x) => {
                label_is(rel, "obj")
                    || label_is(rel, "obl")
                    || rel == "xcomp"
                    // "the meeting will take place"; but "conversations have
                    // not resulted in …" happened.
                    || (label_is(rel, "nsubj") && is(&Cues::HAPPEN, tree.lemma(h)))
            }
            // "holding off until July to meet": waiting for it.
            "advcl"
                if tree.kid(x, "mark").is_some_and(|m| tree.lower[m] == "to")
                    && (is(&Cues::WAITING, tree.lemma(h))
                        || tree.kids(h).iter().any(|&k| {
                            tree.kid(k, "case")
                                .is_some_and(|c| tree.lower[c] == "until")
                        })) =>
            {
                set(Modality::Planned, &mut found);
                false
            }
            // "refrained from criticizing", "accused X of interfering",
            // "looks forward to working".
            "advcl" | "acl" if is(&Cues::NEGATING, tree.lemma(h)) || tree.lemma(h) == "look" => {
                true
            }
            "advcl" | "acl" if is(&Cues::CLAIMS, tree.lemma(h)) => {
                set(Modality::Uncertain, &mut found);
                false
            }
            "acl" => {
                let gl = tree.lemma(h);
                if is(&Cues::PLANNED, gl) {
                    set(Modality::Planned, &mut found);
                } else if is(&Cues::UNCERTAIN, gl) {
                    set(Modality::Uncertain, &mut found);
                }
                false
            }
            _ => false,
        };
        if !climb || h == x {
            break;
        }
        x = if rel == "conj" {
            tree.conj_anchor(x).unwrap_or(h)
        } else {
            h
        };
    }
    if negated {
        Modality::Negated
    } else {
        found.unwrap_or(Modality::Asserted)
    }
}
