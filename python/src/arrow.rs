//! Record batches handed to Python through the Arrow PyCapsule interface (the Arrow C stream
//! interface): pyarrow, polars, DuckDB and others take the columns without a copy.

use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use tcpwire::columnar::arrow_array::ffi_stream::FFI_ArrowArrayStream;
use tcpwire::columnar::arrow_array::{RecordBatch, RecordBatchIterator};
use tcpwire::columnar::arrow_schema::SchemaRef;
use tcpwire::columnar::MAX_BATCH_ROWS;

/// Record batches of tcpwire's columnar table, made in Rust, for any Arrow consumer:
/// `pyarrow.table(batches)`, `polars.DataFrame(batches)`, `duckdb.arrow(batches)` read them
/// through `__arrow_c_stream__` without copying the columns. `tcpwire.parse_batch` and
/// `tcpwire.to_arrow` return `pyarrow.table` of one.
#[pyclass(frozen, name = "ArrowBatches", module = "tcpwire")]
pub(crate) struct PyArrowBatches {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl PyArrowBatches {
    pub(crate) fn new(schema: SchemaRef, batches: Vec<RecordBatch>) -> PyArrowBatches {
        PyArrowBatches { schema, batches }
    }
}

#[pymethods]
impl PyArrowBatches {
    /// The batches as an Arrow C stream in a capsule named `arrow_array_stream` (the Arrow
    /// PyCapsule interface). The columns are tcpwire's own types; a `requested_schema` is
    /// not applied (the consumer casts, as the interface allows).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        // Cloning a batch clones the references to its buffers, not the buffers.
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            self.schema.clone(),
        );
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The rows of every batch.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The number of record batches.
    fn __len__(&self) -> usize {
        self.batches.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ArrowBatches(batches={}, rows={}, columns={})",
            self.batches.len(),
            self.num_rows(),
            self.schema.fields().len()
        )
    }
}

/// Reads a `batch_rows` argument: at least one row, at most `tcpwire::columnar::MAX_BATCH_ROWS`
/// (the bound of Arrow's 32-bit offsets).
pub(crate) fn batch_rows_arg(rows: usize) -> PyResult<usize> {
    if !(1..=MAX_BATCH_ROWS).contains(&rows) {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "batch_rows must be between 1 and {MAX_BATCH_ROWS}, not {rows}"
        )));
    }
    Ok(rows)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyArrowBatches>()?;
    Ok(())
}
