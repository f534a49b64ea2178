//! Named-entity recognizer (separate branch).
