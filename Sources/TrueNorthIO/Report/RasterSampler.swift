import TrueNorth

/// The reported spikes of a run, kept for a raster picture: a row for every neuron that fired,
/// up to `maxRows` (beyond that, the first `maxRows` neurons to fire, and the picture says so),
/// and at most `maxColumns` columns of ticks, each column `binTicks` ticks wide (the width
/// doubles as the run grows, so memory stays bounded).
public struct RasterSampler: Sendable {
  /// The neurons drawn (core id, neuron), in the order they first fired.
  public private(set) var rows: [(core: Int32, neuron: Int32)] = []
  /// Neurons whose spikes are reported (every neuron with `recordsAll`, else those that send to
  /// output pins).
  public private(set) var candidates = 0
  /// Whether every neuron's spikes are reported, not only those sent to pins.
  public let recordsAll: Bool
  /// Distinct reported neurons that fired, drawn or not.
  public private(set) var firedNeurons = 0
  /// Ticks per column.
  public private(set) var binTicks: Int64 = 1
  /// Spikes per (row, column), row-major, `maxColumns` per row.
  public private(set) var counts: [Int32] = []
  /// The first tick of column 0.
  public private(set) var firstTick: Int64 = 0
  /// Ticks recorded (the run's length so far).
  public private(set) var ticksRecorded: Int64 = 0
  /// Columns holding data so far.
  public private(set) var columnsUsed = 0
  /// The most neurons (rows) drawn.
  public let maxRows: Int
  /// The most columns; ticks are binned to fit.
  public let maxColumns: Int
  var rowOf: [Int64: Int32] = [:]
  /// One bit per (core id, neuron) of the chip: fired at least once.
  var seen: [UInt64]
  let neuronsPerCore: Int

  /// A sampler for the spikes a run of `model` reports: every neuron's (`recordAll`) or only those
  /// of neurons that send to output pins.
  /// - Parameters:
  ///   - firstTick: the tick the run starts at.
  ///   - maxRows: the most neurons drawn (default 400; a row is then at least 1.5 px high).
  ///   - maxColumns: the most columns of ticks (default 600).
  public init(model: Model, recordAll: Bool, firstTick: Int64 = 0, maxRows: Int = 400, maxColumns: Int = 600) {
    self.maxRows = max(1, maxRows)
    self.maxColumns = max(2, maxColumns)
    self.firstTick = firstTick
    recordsAll = recordAll
    neuronsPerCore = model.chip.neuronsPerCore
    seen = [UInt64](repeating: 0, count: (model.chip.coreCount * model.chip.neuronsPerCore + 63) / 64)
    for core in model.cores {
      if recordAll {
        candidates += core.neurons.count
      } else {
        candidates += core.neurons.filter { if case .pin = $0.destination { return true } else { return false } }.count
      }
    }
  }

  /// Adds the spikes of one tick (all stamped `tick`).
  /// - Complexity: O(spikes) plus, when the columns run out, O(rows x columns) to halve them.
  public mutating func record(tick: Int64, spikes: [OutputSpike]) {
    var column = Int((tick - firstTick) / binTicks)
    while column >= maxColumns {
      mergeColumns()
      column = Int((tick - firstTick) / binTicks)
    }
    columnsUsed = max(columnsUsed, column + 1)
    ticksRecorded = max(ticksRecorded, tick - firstTick + 1)
    for s in spikes {
      let key = Int64(s.core) << 16 | Int64(s.neuron)
      var row = rowOf[key]
      if row == nil {
        let bit = Int(s.core) * neuronsPerCore + Int(s.neuron)
        if bit >= 0, bit < seen.count * 64, seen[bit >> 6] & (1 << UInt64(bit & 63)) == 0 {
          seen[bit >> 6] |= 1 << UInt64(bit & 63)
          firedNeurons += 1
        }
        guard rows.count < maxRows else { continue }
        row = Int32(rows.count)
        rowOf[key] = row
        rows.append((s.core, s.neuron))
        counts.append(contentsOf: repeatElement(0, count: maxColumns))
      }
      counts[Int(row!) * maxColumns + column] += 1
    }
  }

  /// Doubles the ticks per column, adding neighbouring columns together.
  mutating func mergeColumns() {
    for r in 0..<rows.count {
      let base = r * maxColumns
      for c in 0..<maxColumns {
        let a = 2 * c < maxColumns ? counts[base + 2 * c] : 0
        let b = 2 * c + 1 < maxColumns ? counts[base + 2 * c + 1] : 0
        counts[base + c] = c < (maxColumns + 1) / 2 ? a + b : 0
      }
    }
    binTicks *= 2
    columnsUsed = (columnsUsed + 1) / 2
  }

  /// Spikes in row `row`, column `column`.
  public func count(row: Int, column: Int) -> Int32 { counts[row * maxColumns + column] }

  /// The rows in (core, neuron) order: the order they are drawn top to bottom.
  public var drawingOrder: [Int] { rows.indices.sorted { (rows[$0].core, rows[$0].neuron) < (rows[$1].core, rows[$1].neuron) } }
}
