//! Filled by the data readers (in progress).
