//! Python bindings for scoreline. Not built yet: see the bindings issue; this crate holds no code until then.
