import TrueNorth
/// A bounded sample of reported spikes for a raster picture: at most `maxRows` neurons, chosen
/// evenly from those that can be reported, and at most `maxColumns` columns of ticks, each column
/// `binTicks` ticks wide (the width doubles as the run grows, so memory stays bounded).
public struct RasterSampler: Sendable {
  /// The sampled neurons (core id, neuron), ascending; row r of the raster is `rows[r]`.
  public private(set) var rows: [(core: Int32, neuron: Int32)] = []
  /// Neurons that could be reported (the population the rows are sampled from).
  public private(set) var candidates = 0
  /// Ticks per column.
  public private(set) var binTicks: Int64 = 1
  /// Spikes per (row, column), row-major, `maxColumns` per row.
  public private(set) var counts: [Int32]
  /// The first tick of column 0.
  public private(set) var firstTick: Int64 = 0
  /// Columns holding data so far.
  public private(set) var columnsUsed = 0
  /// The most neurons (rows) sampled.
  public let maxRows: Int
  /// The most columns; ticks are binned to fit.
  public let maxColumns: Int
  var rowOf: [Int64: Int32] = [:]

  /// A sampler for the spikes a run of `model` reports: every neuron's (`recordAll`) or only those
  /// of neurons that send to output pins.
  /// - Parameter firstTick: the tick the run starts at.
  public init(model: Model, recordAll: Bool, firstTick: Int64 = 0, maxRows: Int = 200, maxColumns: Int = 600) {
    self.maxRows = max(1, maxRows)
    self.maxColumns = max(2, maxColumns)
    self.firstTick = firstTick
    var all: [(core: Int32, neuron: Int32)] = []
    for core in model.cores {
      let id = Int32(model.chip.coreID(x: core.x, y: core.y))
      for (j, n) in core.neurons.enumerated() {
        if recordAll { all.append((id, Int32(j))); continue }
        if case .pin = n.destination { all.append((id, Int32(j))) }
      }
    }
    all.sort { ($0.core, $0.neuron) < ($1.core, $1.neuron) }
    candidates = all.count
    let stride = max(1, (all.count + self.maxRows - 1) / self.maxRows)
    for k in Swift.stride(from: 0, to: all.count, by: stride) {
      rowOf[Int64(all[k].core) << 16 | Int64(all[k].neuron)] = Int32(rows.count)
      rows.append(all[k])
    }
    counts = Array(repeating: 0, count: rows.count * self.maxColumns)
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
    for s in spikes {
      guard let row = rowOf[Int64(s.core) << 16 | Int64(s.neuron)] else { continue }
      counts[Int(row) * maxColumns + column] += 1
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
}
