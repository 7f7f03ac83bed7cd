//! Reading what a send depends on without letting it block a runtime thread or fill memory:
//! files (the profile file, the web-identity token) and HTTP bodies, each capped in size.
//!
//! A file is read on tokio's blocking pool, so a path that never reads to its end (a FIFO
//! nobody writes, a network mount that stopped answering) holds one blocking thread, never a
//! runtime worker: the send that waits for it ends at its deadline and every other send goes
//! on. While such a read hangs, the path is not read again (the thread would be lost too);
//! later sends are told at once why.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Paths whose read has not returned. Process-wide, because what it guards is: a blocking
/// thread stuck in the kernel outlives any one `Connector`.
static STILL_READING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Why a file gave no text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FileError {
    /// There is no such file.
    NotFound,
    /// It could not be read; the text says why, without its content.
    Unreadable(String),
}

fn still_reading() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    STILL_READING.lock().unwrap_or_else(|p| p.into_inner())
}

/// The text of the regular file at `path`, at most `max` bytes, read off the runtime's
/// threads. The caller's deadline bounds the wait.
pub(crate) async fn read_file(path: &Path, max: usize) -> Result<String, FileError> {
    let shown = path.display().to_string();
    {
        let mut reading = still_reading();
        if reading.iter().any(|p| p == path) {
            return Err(FileError::Unreadable(format!(
                "an earlier read of {shown} has not finished (a FIFO, or a mount that does not answer?)"
            )));
        }
        reading.push(path.to_owned());
    }
    let owned = path.to_owned();
    let read = tokio::task::spawn_blocking(move || {
        let outcome = read_regular_file(&owned, max);
        still_reading().retain(|p| *p != owned);
        outcome
    });
    match read.await {
        Ok(outcome) => outcome.map_err(|error| match error {
            ReadError::Io(std::io::ErrorKind::NotFound) => FileError::NotFound,
            ReadError::Io(kind) => FileError::Unreadable(format!("cannot read {shown}: {kind}")),
            ReadError::NotRegular => {
                FileError::Unreadable(format!("{shown} is not a regular file"))
            }
            ReadError::TooLarge => {
                FileError::Unreadable(format!("{shown} is larger than {max} bytes"))
            }
            ReadError::NotUtf8 => FileError::Unreadable(format!("{shown} is not UTF-8 text")),
        }),
        Err(_) => Err(FileError::Unreadable(format!("reading {shown} failed"))),
    }
}

enum ReadError {
    Io(std::io::ErrorKind),
    NotRegular,
    TooLarge,
    NotUtf8,
}

fn read_regular_file(path: &Path, max: usize) -> Result<String, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(e.kind());
    // `metadata` first: opening a FIFO for reading waits for a writer.
    if !std::fs::metadata(path).map_err(io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > max {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)
}

/// The body of `response`, or `None` once it passes `max` bytes (declared or read so far):
/// what a server streams past that is never held.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    max: usize,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if response
        .content_length()
        .is_some_and(|len| len > max as u64)
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > max {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bounded-read-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn a_file_is_read_whole_up_to_its_cap() {
        let dir = scratch("cap");
        let path = dir.join("credentials");
        std::fs::write(&path, "[default]\n").unwrap();
        assert_eq!(read_file(&path, 64).await.unwrap(), "[default]\n");
        assert_eq!(
            read_file(&path, 4).await,
            Err(FileError::Unreadable(format!(
                "{} is larger than 4 bytes",
                path.display()
            )))
        );
        assert_eq!(
            read_file(&dir.join("absent"), 64).await,
            Err(FileError::NotFound)
        );
    }

    /// A FIFO nobody writes: opened as a file, it would wait for a writer forever.
    #[tokio::test(flavor = "current_thread")]
    async fn a_fifo_is_refused_at_once_and_never_blocks_the_runtime() {
        let dir = scratch("fifo");
        let path = dir.join("credentials");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        // On a one-thread runtime, a blocking read would also stop this timer.
        let read = tokio::time::timeout(Duration::from_secs(5), read_file(&path, 64)).await;
        assert_eq!(
            read.expect("answered in time"),
            Err(FileError::Unreadable(format!(
                "{} is not a regular file",
                path.display()
            )))
        );
    }
}
