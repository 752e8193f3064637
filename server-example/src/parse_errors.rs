//! JSON bodies for the errors hyper answers by itself.
//!
//! When hyper cannot parse a request (a malformed request line or header:
//! 400; a URI over its 64 KiB limit: 414; more than 100 header fields or a
//! head over its buffer: 431) it writes a bare status line with
//! `content-length: 0` and closes the connection; no service sees the
//! request, so no middleware can give it a body. [`JsonParseErrors`] wraps
//! a connection's socket and rewrites exactly that response on its way out:
//! a 4xx head with `content-length: 0` can only come from hyper, because
//! every 4xx this server's router sends has a JSON body
//! ([`crate::layers::json_errors`]). The rewritten head gets
//! `content-type: application/json` and the length of an [`ErrorBody`].

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use hyper::rt::{Read, ReadBufCursor, Write};

use crate::error::ErrorBody;

/// A socket whose bare 4xx responses get a JSON body (see the module docs).
pub struct JsonParseErrors<T> {
    inner: T,
    /// A rewritten response still being written, and how much of it is out,
    /// with the length of the original write it stands for.
    pending: Option<Pending>,
}

struct Pending {
    bytes: Vec<u8>,
    written: usize,
    original: usize,
}

impl<T> JsonParseErrors<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

/// The JSON response standing for hyper's bare `head`, if it is one.
fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    const MARK: &[u8] = b"\r\ncontent-length: 0\r\n";
    let status = head.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    if status[0] != b'4' || !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let at = head.windows(MARK.len()).position(|w| w == MARK)?;
    let (code, message) = match status {
        b"400" => ("bad_request", "the request is not valid HTTP/1.1"),
        b"414" => ("uri_too_long", "the request target is too long"),
        b"431" => (
            "headers_too_large",
            "the request has too many header fields or too large a head",
        ),
        _ => ("client_error", "the request was rejected"),
    };
    let body = serde_json::to_vec(&ErrorBody {
        error: code.to_owned(),
        message: message.to_owned(),
        field: None,
        closest: Vec::new(),
    })
    .ok()?;
    let mut out = Vec::with_capacity(head.len() + body.len() + 48);
    out.extend_from_slice(&head[..at]);
    out.extend_from_slice(b"\r\ncontent-type: application/json\r\ncontent-length: ");
    out.extend_from_slice(body.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&head[at + MARK.len()..]);
    out.extend_from_slice(&body);
    Some(out)
}

impl<T: Write + Unpin> JsonParseErrors<T> {
    /// Writes the rest of a rewritten response; ready with the length of
    /// the original write once all of it is out.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let Some(pending) = self.pending.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        while pending.written < pending.bytes.len() {
            let n = ready!(
                Pin::new(&mut self.inner).poll_write(cx, &pending.bytes[pending.written..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            pending.written += n;
        }
        let original = pending.original;
        self.pending = None;
        Poll::Ready(Ok(original))
    }
}

impl<T: Read + Unpin> Read for JsonParseErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: Write + Unpin> Write for JsonParseErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_none() {
            match rewrite(buf) {
                Some(bytes) => {
                    this.pending = Some(Pending {
                        bytes,
                        written: 0,
                        original: buf.len(),
                    })
                }
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        // hyper retries the same bytes after a Pending, so the rewrite
        // carries on where it stopped.
        this.drain(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_some() {
            return this.drain(cx);
        }
        // hyper writes its bare error head as one slice with no body.
        if let [head] = bufs {
            if let Some(bytes) = rewrite(head) {
                this.pending = Some(Pending {
                    bytes,
                    written: 0,
                    original: head.len(),
                });
                return this.drain(cx);
            }
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn rewrites_only_bare_4xx_heads() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 12:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite(head).unwrap()).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "));
        assert!(head.contains("\r\ncontent-type: application/json\r\n"));
        assert!(head.contains(&format!("\r\ncontent-length: {}\r\n", body.len())));
        assert!(head.contains("\r\ndate: "));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"], "headers_too_large");
        for other in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            b"{\"HTTP/1.1 400\"}",
        ] {
            assert!(rewrite(other).is_none());
        }
    }
}
