//! Cue words: the verbs (by lemma) that attribute words to a speaker. Far beyond the
//! 55 verbs textacy ships: reporting verbs of news style, grouped so a reader can
//! check them. A verb here only makes a statement together with a speaker and
//! something said; "announce" alone is not a quote. Verbs of attitude (believe,
//! hope, fear) are left out: a state of mind is not a statement.

/// Lemmas of reporting verbs.
pub const CUE_VERBS: &[&str] = &[
    // saying and telling
    "say",
    "tell",
    "add",
    "state",
    "declare",
    "explain",
    "note",
    "remark",
    "comment",
    "mention",
    "observe",
    "continue",
    "conclude",
    "repeat",
    "reiterate",
    "restate",
    "recall",
    "recount",
    "describe",
    "write",
    "tweet",
    "post",
    "announce",
    "report",
    "reveal",
    "disclose",
    "confirm",
    "indicate",
    "signal",
    "hint",
    "suggest",
    "inform",
    "brief",
    "testify",
    "reply",
    "respond",
    "answer",
    "retort",
    "counter",
    "quip",
    "joke",
    "ask",
    "wonder",
    "predict",
    "estimate",
    "calculate",
    // claiming and arguing
    "claim",
    "argue",
    "assert",
    "allege",
    "contend",
    "maintain",
    "insist",
    "stress",
    "emphasise",
    "emphasize",
    "underline",
    "underscore",
    "point",
    "acknowledge",
    "admit",
    "concede",
    "agree",
    "believe",
    "think",
    "fear",
    "hope",
    "expect",
    // demanding and warning
    "demand",
    "urge",
    "call",
    "appeal",
    "plead",
    "warn",
    "caution",
    "threaten",
    "vow",
    "pledge",
    "promise",
    "swear",
    "propose",
    "offer",
    "advise",
    "order",
    "instruct",
    // objecting and judging
    "deny",
    "reject",
    "dismiss",
    "rule",
    "refuse",
    "accuse",
    "blame",
    "criticise",
    "criticize",
    "condemn",
    "denounce",
    "complain",
    "protest",
    "object",
    "question",
    "welcome",
    "praise",
    "thank",
    "boast",
    "lament",
    "regret",
];

/// Verbs that report words only sometimes ("the study found that …", "the motion
/// reads", "cited a source that …"): they propose candidates the rules doubt, and the
/// model trained on real news decides.
pub const WEAK_CUE_VERBS: &[&str] = &[
    "find",
    "establish",
    "show",
    "speculate",
    "cite",
    "characterize",
    "characterise",
    "refer",
    "read",
    "recommend",
    "disagree",
    "assure",
    "request",
    "express",
    "speak",
    "address",
];

/// Verbs that only report words: a quote of any length next to one is speech.
pub const SAYING_VERBS: &[&str] = &[
    "say", "tell", "add", "reply", "respond", "answer", "ask", "write", "tweet", "insist",
    "declare", "state", "repeat", "continue", "shout", "explain", "note", "warn",
];

/// Verbs whose quoted object is a label the speaker gave ("called the drills
/// “theatre”"), not words they said.
pub const LABELLING_VERBS: &[&str] = &["call", "describe", "dub", "label", "brand", "term"];

/// Verbs after which the person addressed is the object, not the speaker, and an
/// outlet object is the one that relayed the words ("told Izvestia").
pub const ADDRESSING_VERBS: &[&str] = &["tell", "inform", "brief", "assure", "warn"];

/// The lemma to read a verb by: the lemmatizer's when it is a cue, else a cue whose
/// regular inflection the word is. The lemmatizer is learned and misses unseen verbs
/// ("tweeted" → "tweete"); a missed cue loses the statement.
pub fn verb_lemma<'a>(word: &str, lemma: &'a str) -> &'a str {
    if is_any_cue(lemma) || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return lemma;
    }
    let stems = [
        word.strip_suffix("ed"),
        word.strip_suffix('d'),
        word.strip_suffix("ing"),
        word.strip_suffix('s'),
        word.strip_suffix("es"),
    ];
    for stem in stems.into_iter().flatten() {
        // "tweeted" → "tweet", "noted" → "note", "plotted" → "plot".
        let undoubled = stem
            .len()
            .checked_sub(2)
            .filter(|&k| stem.as_bytes()[k] == stem.as_bytes()[k + 1])
            .map(|k| &stem[..=k]);
        for candidate in [Some(stem), undoubled].into_iter().flatten() {
            if let Some(cue) = CUE_VERBS
                .iter()
                .chain(WEAK_CUE_VERBS)
                .find(|c| **c == candidate)
            {
                return cue;
            }
        }
    }
    if let Some(stem) = word
        .strip_suffix("ied")
        .or_else(|| word.strip_suffix("ies"))
    {
        let y = format!("{stem}y");
        if let Some(cue) = CUE_VERBS.iter().chain(WEAK_CUE_VERBS).find(|c| **c == y) {
            return cue;
        }
    }
    lemma
}

pub fn is_cue(lemma: &str) -> bool {
    CUE_VERBS.contains(&lemma)
}

/// A cue the rules accept, or one they leave to the model ([`WEAK_CUE_VERBS`]).
pub fn is_any_cue(lemma: &str) -> bool {
    is_cue(lemma) || WEAK_CUE_VERBS.contains(&lemma)
}

/// Words news outlets name themselves with ("Tidewater Post", "Radio Kestrel").
pub const MEDIA_WORDS: &[&str] = &[
    "agency",
    "broadcasting",
    "channel",
    "chronicle",
    "courier",
    "daily",
    "gazette",
    "guardian",
    "herald",
    "independent",
    "journal",
    "ledger",
    "magazine",
    "news",
    "observer",
    "paper",
    "post",
    "press",
    "radio",
    "telegraph",
    "television",
    "times",
    "tribune",
    "tv",
    "weekly",
    "wire",
];

#[cfg(test)]
mod tests {
    use super::verb_lemma;

    #[test]
    fn cue_verbs_are_read_through_a_lemmatizer_slip() {
        assert_eq!(verb_lemma("tweeted", "tweete"), "tweet");
        assert_eq!(verb_lemma("replied", "replie"), "reply");
        assert_eq!(verb_lemma("noted", "note"), "note");
        assert_eq!(verb_lemma("said", "say"), "say");
        // Not a cue, and not a lower-case word: left as the lemmatizer said.
        assert_eq!(verb_lemma("walked", "walk"), "walk");
        assert_eq!(verb_lemma("Tweeted", "Tweete"), "Tweete");
    }
}
