//! The tables dateline's records flatten into (`dateline export`, `events --format
//! csv`, the Python package's pyarrow tables), with each table's columns said once:
//! each column's name, its type and how a record fills it. CSV rows and Parquet
//! record batches are both rendered from this list, so the formats cannot drift
//! apart.
//!
//! Parquet types: `Text` → Utf8, `Int` → Int64, `Float` → Float64, `Bool` →
//! Boolean, `Date` → Date32, `List` → List<Utf8> (items never null). Every column is
//! nullable, and a cell is null exactly where its CSV cell is empty (an absent
//! value or an empty string); a list is never null, an empty list stays `[]`.

use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder,
    StringBuilder,
};
use arrow_schema::{DataType, Field, FieldRef, Schema, SchemaRef};
use dateline_core::Date;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

mod columns;

pub use columns::{
    ACTOR_COLUMNS, ARTICLE_COLUMNS, EVENT_COLUMNS, MENTION_COLUMNS, SEARCH_COLUMNS,
    STATEMENT_COLUMNS,
};

/// One column: its name (the CSV header), its type and its cell in a record.
pub struct Column<R> {
    pub name: &'static str,
    pub kind: Kind,
    pub cell: for<'a> fn(&'a R) -> Cell<'a>,
}

#[derive(Clone, Copy)]
pub enum Kind {
    Text,
    Int,
    Float,
    Bool,
    Date,
    /// Strings; CSV joins them with this separator.
    List(&'static str),
}

/// One value, of its column's kind (or `Null`).
pub enum Cell<'a> {
    Null,
    Text(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(Date),
    List(Vec<&'a str>),
}

impl<'a> Cell<'a> {
    pub fn text(value: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(value))
    }

    pub fn opt(value: Option<&'a str>) -> Cell<'a> {
        value.map_or(Cell::Null, Cell::text)
    }

    pub fn offset(value: usize) -> Cell<'a> {
        Cell::Int(i64::try_from(value).expect("offset fits in i64"))
    }

    /// A single-precision score as the double it prints as (2.8, not 2.7999999523).
    pub fn score(value: f32) -> Cell<'a> {
        Cell::Float(
            value
                .to_string()
                .parse()
                .expect("a float prints as a float"),
        )
    }

    /// The CSV cell: empty for `Null`, dates as YYYY-MM-DD, lists joined by `separator`.
    fn csv(self, separator: &str) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) => s.into_owned(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(x) => x.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::List(items) => items.join(separator),
        }
    }
}

pub fn csv_header<R>(columns: &[Column<R>]) -> impl Iterator<Item = &'static str> + '_ {
    columns.iter().map(|c| c.name)
}

pub fn csv_record<R>(columns: &[Column<R>], record: &R) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            let separator = match c.kind {
                Kind::List(separator) => separator,
                _ => "",
            };
            (c.cell)(record).csv(separator)
        })
        .collect()
}

/// Rows per record batch handed to the Parquet writer.
pub const BATCH_ROWS: usize = 4096;
/// Encoded bytes after which a row group is closed and written out; the writer keeps
/// at most one row group in memory.
const ROW_GROUP_BYTES: usize = 64 << 20;

/// Writes records as a Snappy-compressed Parquet file, one record batch of
/// `batch_rows` rows at a time, so memory stays bounded however long the table.
pub struct ParquetTable<'c, R, W: Write + Send> {
    columns: &'c [Column<R>],
    schema: SchemaRef,
    builders: Vec<Builder>,
    rows: usize,
    batch_rows: usize,
    writer: ArrowWriter<W>,
}

impl<'c, R, W: Write + Send> ParquetTable<'c, R, W> {
    pub fn new(
        columns: &'c [Column<R>],
        sink: W,
        batch_rows: usize,
    ) -> parquet::errors::Result<Self> {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|c| Field::new(c.name, data_type(c.kind), true))
                .collect::<Vec<_>>(),
        ));
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
            .build();
        let writer = ArrowWriter::try_new(sink, schema.clone(), Some(properties))?;
        Ok(ParquetTable {
            columns,
            schema,
            builders: columns.iter().map(|c| Builder::new(c.kind)).collect(),
            rows: 0,
            batch_rows,
            writer,
        })
    }

    pub fn push(&mut self, record: &R) -> parquet::errors::Result<()> {
        for (column, builder) in self.columns.iter().zip(&mut self.builders) {
            builder.append(column.name, (column.cell)(record));
        }
        self.rows += 1;
        if self.rows == self.batch_rows {
            self.write_batch()?;
        }
        Ok(())
    }

    /// Writes what is buffered and the file's footer.
    pub fn finish(mut self) -> parquet::errors::Result<()> {
        if self.rows > 0 {
            self.write_batch()?;
        }
        self.writer.close()?;
        Ok(())
    }

    fn write_batch(&mut self) -> parquet::errors::Result<()> {
        let arrays = self.builders.iter_mut().map(|b| b.finish()).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
        self.rows = 0;
        self.writer.write(&batch)
    }
}

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Text => DataType::Utf8,
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Bool => DataType::Boolean,
        Kind::Date => DataType::Date32,
        Kind::List(_) => DataType::List(list_item()),
    }
}

fn list_item() -> FieldRef {
    Arc::new(Field::new_list_field(DataType::Utf8, false))
}

/// Days since 1970-01-01, Parquet's (and Arrow's) `Date32`.
fn days_since_epoch(date: Date) -> i32 {
    date.since(jiff::civil::date(1970, 1, 1))
        .expect("a civil date is within i32 days of 1970")
        .get_days()
}

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    List(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(kind: Kind) -> Builder {
        match kind {
            Kind::Text => Builder::Text(StringBuilder::new()),
            Kind::Int => Builder::Int(Int64Builder::new()),
            Kind::Float => Builder::Float(Float64Builder::new()),
            Kind::Bool => Builder::Bool(BooleanBuilder::new()),
            Kind::Date => Builder::Date(Date32Builder::new()),
            Kind::List(_) => {
                Builder::List(ListBuilder::new(StringBuilder::new()).with_field(list_item()))
            }
        }
    }

    /// Appends `cell`; a cell of another kind than the column's is a bug in the
    /// column list.
    fn append(&mut self, column: &str, cell: Cell<'_>) {
        match (self, cell) {
            (Builder::Text(b), Cell::Text(s)) if !s.is_empty() => b.append_value(s),
            (Builder::Text(b), Cell::Text(_) | Cell::Null) => b.append_null(),
            (Builder::Int(b), Cell::Int(n)) => b.append_value(n),
            (Builder::Int(b), Cell::Null) => b.append_null(),
            (Builder::Float(b), Cell::Float(x)) => b.append_value(x),
            (Builder::Float(b), Cell::Null) => b.append_null(),
            (Builder::Bool(b), Cell::Bool(v)) => b.append_value(v),
            (Builder::Bool(b), Cell::Null) => b.append_null(),
            (Builder::Date(b), Cell::Date(d)) => b.append_value(days_since_epoch(d)),
            (Builder::Date(b), Cell::Null) => b.append_null(),
            (Builder::List(b), Cell::List(items)) => {
                for item in items {
                    b.values().append_value(item);
                }
                b.append(true);
            }
            (_, _) => panic!("column {column}: a cell of another kind than the column's"),
        }
    }

    fn finish(&mut self) -> arrow_array::ArrayRef {
        let builder: &mut dyn ArrayBuilder = match self {
            Builder::Text(b) => b,
            Builder::Int(b) => b,
            Builder::Float(b) => b,
            Builder::Bool(b) => b,
            Builder::Date(b) => b,
            Builder::List(b) => b,
        };
        builder.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Date32Type;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    struct Row {
        n: usize,
        name: &'static str,
    }

    const COLUMNS: [Column<Row>; 4] = [
        Column {
            name: "n",
            kind: Kind::Int,
            cell: |r| Cell::offset(r.n),
        },
        Column {
            name: "name",
            kind: Kind::Text,
            cell: |r| Cell::text(r.name),
        },
        Column {
            name: "day",
            kind: Kind::Date,
            cell: |r| {
                Cell::Date(jiff::civil::date(1970, 1, 1) + jiff::Span::new().days(r.n as i64))
            },
        },
        Column {
            name: "tags",
            kind: Kind::List(";"),
            cell: |r| Cell::List(r.name.split_whitespace().collect()),
        },
    ];

    #[test]
    fn rows_cross_batches_and_come_back_typed() {
        let file = tempfile::tempfile().unwrap();
        let mut table = ParquetTable::new(&COLUMNS, file.try_clone().unwrap(), 3).unwrap();
        let names = ["a b", "", "c", "d e f", "", "g", "h"];
        for (n, &name) in names.iter().enumerate() {
            table.push(&Row { n, name }).unwrap();
        }
        table.finish().unwrap();

        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, names.len());
        let schema = batches[0].schema();
        let types: Vec<&DataType> = schema.fields().iter().map(|f| f.data_type()).collect();
        assert_eq!(
            types,
            [
                &DataType::Int64,
                &DataType::Utf8,
                &DataType::Date32,
                &DataType::List(list_item())
            ]
        );
        let text = batches[0].column(1).as_string::<i32>();
        assert_eq!(text.value(0), "a b");
        assert!(text.is_null(1), "an empty string is null");
        assert_eq!(text.value(6), "h", "the last, partial batch is written");
        let tags = batches[0].column(3).as_list::<i32>();
        assert_eq!(tags.value(3).as_string::<i32>().len(), 3);
        assert!(
            tags.is_valid(1) && tags.value(1).is_empty(),
            "[] is not null"
        );
        let days = batches[0].column(2).as_primitive::<Date32Type>();
        assert_eq!(days.value(2), 2);
    }

    #[test]
    fn csv_cells_render_as_before() {
        let row = Row { n: 7, name: "x y" };
        assert_eq!(
            csv_record(&COLUMNS, &row),
            ["7", "x y", "1970-01-08", "x;y"]
        );
        for tenths in -100..=100 {
            let goldstein = tenths as f32 / 10.0;
            assert_eq!(Cell::score(goldstein).csv(""), goldstein.to_string());
        }
        assert_eq!(days_since_epoch(jiff::civil::date(2031, 3, 5)), 22343);
    }
}
