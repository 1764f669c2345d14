//! Buffered CSV writers, one per contract table, with the contract's header.

use anyhow::{Context, Result};
use qingfeng_domain::contract;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

pub struct Sink {
    w: csv::Writer<BufWriter<File>>,
    pub name: &'static str,
    pub rows: u64,
    path: PathBuf,
}

impl Sink {
    pub fn create(dir: &Path, table: &'static str) -> Result<Sink> {
        let t = contract::table(table).with_context(|| format!("{table} is no contract table"))?;
        let path = dir.join(t.file_name());
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file));
        w.write_record(t.columns.iter().map(|c| c.name))
            .with_context(|| format!("writing the header of {}", path.display()))?;
        Ok(Sink {
            w,
            name: t.name,
            rows: 0,
            path,
        })
    }

    pub fn row<I, T>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.rows += 1;
        self.w
            .write_record(fields)
            .with_context(|| format!("writing {}", self.path.display()))
    }

    pub fn finish(mut self) -> Result<(&'static str, u64)> {
        self.w
            .flush()
            .with_context(|| format!("flushing {}", self.path.display()))?;
        Ok((self.name, self.rows))
    }
}
