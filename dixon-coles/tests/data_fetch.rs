//! Fetching through the real HTTP code path from a local server on
//! 127.0.0.1 that serves `$SCORELINE_DATA_DIR/football-data` (stopped at the
//! end of each test).
#![cfg(feature = "fetch")]

mod common;

use common::data_dir;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use scoreline_dixon_coles::data::fetch::FootballDataFetcher;
use scoreline_dixon_coles::data::football_data::read_football_data_dir;
use scoreline_dixon_coles::data::DataError;

/// A minimal static file server; counts requests; stops when dropped.
struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, halt) = (Arc::clone(&requests), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !halt.load(Ordering::SeqCst) {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                count.fetch_add(1, Ordering::SeqCst);
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                reader.read_line(&mut line).unwrap();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                        break;
                    }
                }
                let path = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .trim_start_matches('/')
                    .to_owned();
                let file = root.join(&path);
                let (status, body) = match (path.contains(".."), std::fs::read(&file)) {
                    (false, Ok(bytes)) => ("200 OK", bytes),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).unwrap();
                stream.write_all(&body).unwrap();
            }
        });
        Self {
            url,
            requests,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

#[test]
fn fetches_into_the_site_layout_and_reuses_the_cache() {
    let served = data_dir().join("football-data");
    let server = Server::start(served.clone());
    let cache = tempfile::tempdir().unwrap();
    let fetcher = FootballDataFetcher::new(cache.path()).with_base_url(&server.url);
    let paths = fetcher.fetch_many(&["2324", "2425"], &["E0"]).unwrap();
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    for (path, season) in paths.iter().zip(["2324", "2425"]) {
        let original = std::fs::read(served.join(format!("mmz4281/{season}/E0.csv"))).unwrap();
        assert_eq!(std::fs::read(path).unwrap(), original);
    }
    // Cached: no new request, and the reader sees the same layout.
    fetcher.fetch("2324", "E0").unwrap();
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    let file = read_football_data_dir(cache.path(), &["E0"], &["2324", "2425"]).unwrap();
    assert_eq!(file.matches.len(), 760);
    // The environment variable sets the base address too.
    std::env::set_var("SCORELINE_FOOTBALL_DATA_URL", &server.url);
    let other = tempfile::tempdir().unwrap();
    FootballDataFetcher::new(other.path())
        .fetch("2223", "E1")
        .unwrap();
    std::env::remove_var("SCORELINE_FOOTBALL_DATA_URL");
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);
}

#[test]
fn missing_files_and_offline_servers_are_fetch_errors() {
    let server = Server::start(data_dir().join("football-data"));
    let cache = tempfile::tempdir().unwrap();
    let fetcher = FootballDataFetcher::new(cache.path()).with_base_url(&server.url);
    let err = fetcher.fetch("2324", "XX9").unwrap_err();
    assert!(
        matches!(&err, DataError::Fetch { url, .. } if url.ends_with("/mmz4281/2324/XX9.csv")),
        "{err}"
    );
    assert!(err.to_string().contains("404"), "{err}");
    assert!(!cache.path().join("mmz4281/2324/XX9.csv").exists());
    drop(server);
    // Nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let offline =
        FootballDataFetcher::new(cache.path()).with_base_url(format!("http://127.0.0.1:{port}"));
    let err = offline.fetch("2324", "E0").unwrap_err();
    assert!(err.to_string().contains("SCORELINE_DATA_DIR"), "{err}");
    assert!(matches!(
        offline.fetch("23/24", "E0"),
        Err(DataError::Fetch { .. })
    ));
    assert!(matches!(
        offline.fetch("2324", "../E0"),
        Err(DataError::Fetch { .. })
    ));
}
