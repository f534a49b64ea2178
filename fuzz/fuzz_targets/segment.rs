//! Clean and segment: every token lies inside its sentence and the text, on
//! character boundaries, in order, and no sentence is over the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::segment::MAX_SENTENCE_TOKENS;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let kept = newsgraph::clean::clean(&text);
    for r in &kept {
        assert!(r.start <= r.end && r.end <= text.len());
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    }
    let sentences = newsgraph::segment::segment(&text, &kept);
    let mut last = 0;
    for s in &sentences {
        assert!(s.tokens.len() <= MAX_SENTENCE_TOKENS, "sentence over the limit");
        assert!(s.span.start <= s.span.end && s.span.end <= text.len());
        for t in &s.tokens {
            assert!(t.span.start < t.span.end, "empty token");
            assert!(t.span.start >= last, "tokens out of order");
            assert!(s.span.start <= t.span.start && t.span.end <= s.span.end);
            assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
            last = t.span.end;
        }
    }
    let parts = newsgraph::segment::parts(&text, 64);
    assert_eq!(parts.first().map(|r| r.start), Some(0));
    assert_eq!(parts.last().map(|r| r.end), Some(text.len()));
    for w in parts.windows(2) {
        assert_eq!(w[0].end, w[1].start, "parts leave a gap");
    }
});
