//! SHA-256 helpers: digests as lower-case hex, and a buffered reader that
//! hashes what passes through it, so that a file is hashed and parsed from
//! the same read.

use std::io::{self, BufRead, Read};

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A buffered reader that hashes every byte consumed through it.
#[derive(Debug)]
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R> HashingReader<R> {
    /// A reader that hashes what is read from `inner`.
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The digest of everything read so far, in lower-case hex.
    pub fn hex_digest(&self) -> String {
        hex::encode(self.hasher.clone().finalize())
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for HashingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // Hash exactly what the caller consumes, once. `fill_buf` returns the
        // buffered bytes again without reading.
        if let Ok(buf) = self.inner.fill_buf() {
            let data = &buf[..amt.min(buf.len())];
            self.hasher.update(data);
            self.bytes += data.len() as u64;
        }
        self.inner.consume(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_reader_agrees_with_a_one_shot_digest() {
        let data = b"one\ntwo\nthree\n";
        let mut r = HashingReader::new(io::BufReader::with_capacity(4, &data[..]));
        let mut line = String::new();
        while r.read_line(&mut line).unwrap() > 0 {}
        assert_eq!(r.hex_digest(), sha256_hex(data));
        assert_eq!(r.bytes_read(), 14);
    }
}
