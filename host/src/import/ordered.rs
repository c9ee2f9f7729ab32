//! A log's records put in time order with memory that does not grow with the
//! log.
//!
//! A Windows log or a syslog can be far larger than memory, and its records
//! come almost, but not always, in time order (a record written late, a
//! clock set back). The bundle holds every log sorted by time, so an
//! importer pushes each record it keeps here as it reads it:
//!
//! - each record is serialised once, as the JSON line the bundle will hold;
//! - lines are kept in memory up to [`RUN_BYTES`]; a full run is sorted and
//!   spilled to an anonymous temporary file (deleted by the system however
//!   the process ends);
//! - at the end the runs are merged into the bundle's [`LogSink`].
//!
//! The order is stable: records with the same time keep the order in which
//! they were pushed (within a run by a stable sort, across runs because an
//! earlier run wins a tie).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use mizuchi_evidence::Timestamp;
use serde::Serialize;

use crate::bundle::{LogSink, WriteError};

/// How many bytes of serialised records a run holds before it is spilled.
const RUN_BYTES: usize = 8 << 20;

/// Records being put in time order; see the module documentation.
pub(crate) struct TimeOrdered {
    /// The current run: (time in nanoseconds, JSON line with its newline).
    run: Vec<(i128, Vec<u8>)>,
    run_bytes: usize,
    /// Sorted runs already spilled, in the order they were made.
    spilled: Vec<File>,
    records: u64,
    limit: usize,
}

impl Default for TimeOrdered {
    fn default() -> Self {
        TimeOrdered::with_run_bytes(RUN_BYTES)
    }
}

impl std::fmt::Debug for TimeOrdered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimeOrdered")
            .field("records", &self.records)
            .field("spilled_runs", &self.spilled.len())
            .finish()
    }
}

/// An error of the temporary files runs are spilled to.
fn spill_error(source: std::io::Error) -> WriteError {
    WriteError::Io {
        path: std::env::temp_dir(),
        source,
    }
}

impl TimeOrdered {
    /// Runs of at most `limit` bytes (tests use small runs to spill often).
    pub(crate) fn with_run_bytes(limit: usize) -> Self {
        TimeOrdered {
            run: Vec::new(),
            run_bytes: 0,
            spilled: Vec::new(),
            records: 0,
            limit: limit.max(1),
        }
    }

    /// Adds `record`, which happened at `time`.
    pub(crate) fn push<T: Serialize>(
        &mut self,
        time: Timestamp,
        record: &T,
    ) -> Result<(), WriteError> {
        let mut line = serde_json::to_vec(record).map_err(|e| spill_error(e.into()))?;
        line.push(b'\n');
        self.run_bytes += line.len();
        self.run.push((time.as_nanosecond(), line));
        self.records += 1;
        if self.run_bytes >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// How many records were pushed.
    pub(crate) fn len(&self) -> u64 {
        self.records
    }

    /// Sorts the current run and writes it to a temporary file.
    fn spill(&mut self) -> Result<(), WriteError> {
        self.run.sort_by_key(|(t, _)| *t);
        let mut out = BufWriter::with_capacity(1 << 20, tempfile::tempfile().map_err(spill_error)?);
        for (t, line) in self.run.drain(..) {
            let len =
                u32::try_from(line.len()).map_err(|e| spill_error(std::io::Error::other(e)))?;
            out.write_all(&t.to_le_bytes()).map_err(spill_error)?;
            out.write_all(&len.to_le_bytes()).map_err(spill_error)?;
            out.write_all(&line).map_err(spill_error)?;
        }
        let mut file = out.into_inner().map_err(|e| spill_error(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(spill_error)?;
        self.spilled.push(file);
        self.run_bytes = 0;
        Ok(())
    }

    /// Writes every record, in time order, to `sink`.
    pub(crate) fn drain_into(mut self, sink: &mut LogSink) -> Result<(), WriteError> {
        if self.spilled.is_empty() {
            self.run.sort_by_key(|(t, _)| *t);
            for (_, line) in &self.run {
                sink.push_line(line)?;
            }
            return Ok(());
        }
        if !self.run.is_empty() {
            self.spill()?;
        }
        let mut runs: Vec<Run> = self
            .spilled
            .into_iter()
            .map(|f| Run {
                reader: BufReader::with_capacity(1 << 16, f),
            })
            .collect();
        // The head of every run, smallest (time, run) first: a tie goes to
        // the earlier run, which keeps the order stable.
        let mut heads: Vec<Option<Vec<u8>>> = vec![None; runs.len()];
        let mut heap = BinaryHeap::new();
        for (i, run) in runs.iter_mut().enumerate() {
            if let Some((t, line)) = run.next()? {
                heads[i] = Some(line);
                heap.push(Reverse((t, i)));
            }
        }
        while let Some(Reverse((_, i))) = heap.pop() {
            if let Some(line) = heads[i].take() {
                sink.push_line(&line)?;
            }
            if let Some((t, line)) = runs[i].next()? {
                heads[i] = Some(line);
                heap.push(Reverse((t, i)));
            }
        }
        Ok(())
    }
}

/// A spilled run being read back.
struct Run {
    reader: BufReader<File>,
}

impl Run {
    /// The next record of the run, or `None` at its end.
    fn next(&mut self) -> Result<Option<(i128, Vec<u8>)>, WriteError> {
        let mut time = [0u8; 16];
        match self.reader.read_exact(&mut time) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(spill_error(e)),
        }
        let mut len = [0u8; 4];
        self.reader.read_exact(&mut len).map_err(spill_error)?;
        let mut line = vec![0u8; u32::from_le_bytes(len) as usize];
        self.reader.read_exact(&mut line).map_err(spill_error)?;
        Ok(Some((i128::from_le_bytes(time), line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::BundleWriter;
    use mizuchi_evidence::{SectionKind, Text, Utility};

    /// Every order of pushing gives the same sorted, stable output, whether
    /// it stays in memory or spills many runs.
    #[test]
    fn records_come_out_sorted_and_stable_however_small_the_runs() {
        // (second, tag): ties on the second keep their push order.
        let input: Vec<(i64, u32)> = (0..500u32)
            .map(|i| (i64::from((i * 7919) % 97), i))
            .collect();
        let mut expected = input.clone();
        expected.sort_by_key(|(s, _)| *s);
        for limit in [1, 40, 1000, usize::MAX] {
            let dir = tempfile::tempdir().expect("temp dir");
            let date = jiff::civil::date(2026, 11, 27);
            let utility = Utility {
                id: "T".into(),
                name: Text::new("試験", "test"),
            };
            let mut w = BundleWriter::create(dir.path(), utility, date, date).expect("a bundle");
            let mut ordered = TimeOrdered::with_run_bytes(limit);
            for (s, tag) in &input {
                let t = Timestamp::from_second(*s).expect("a time");
                ordered
                    .push(t, &serde_json::json!({ "s": s, "tag": tag }))
                    .expect("push");
            }
            assert_eq!(ordered.len(), 500);
            let mut sink = w
                .log_sink(SectionKind::AuthEvents, "x.jsonl")
                .expect("sink");
            ordered.drain_into(&mut sink).expect("drain");
            w.finish_log(sink).expect("finish");
            let text = std::fs::read_to_string(dir.path().join("x.jsonl")).expect("the log");
            let got: Vec<(i64, u32)> = text
                .lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).expect("json");
                    (
                        v["s"].as_i64().expect("s"),
                        v["tag"].as_u64().expect("tag") as u32,
                    )
                })
                .collect();
            assert_eq!(got, expected, "runs of {limit} bytes");
        }
    }
}
