//! The example REST server. Not built yet: see the server issue; this crate holds no code until then.
