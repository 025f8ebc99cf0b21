import Foundation
import TrueNorth

/// Membrane potentials of chosen neurons at the end of every tick of a run (after integration,
/// leak, threshold and reset), as Brian2's `StateMonitor` and NEST's `multimeter` record them:
/// `tnsim run --trace CORE:NEURON,...` (docs/routing-and-energy.md, "Reports").
///
/// Hand `record(_:)` to the run's per-tick hook (`Simulator.run(..., afterTick:)`); the values
/// are kept in memory (4 bytes per neuron per tick) and written as CSV by `csv` or drawn by
/// `svg()`.
public final class PotentialTrace {
  /// The traced neurons (linear core id, neuron), in the order given.
  public let neurons: [(core: Int32, neuron: Int32)]
  /// The ticks recorded, ascending.
  public private(set) var ticks: [Int64] = []
  /// The potentials, tick-major: tick `t`'s values at `t * neurons.count ..< (t + 1) * neurons.count`.
  public private(set) var potentials: [Int32] = []

  /// A trace of `neurons`, which must be configured in the model run.
  public init(neurons: [(core: Int32, neuron: Int32)]) { self.neurons = neurons }

  /// Parses `CORE:NEURON[,CORE:NEURON...]` (CORE the linear core id `y * width + x`, as in spike
  /// files and the raster) and checks each against `model`.
  /// - Returns: the neurons, or a message saying what is wrong and what is allowed.
  public static func parse(_ spec: String, model: Model) -> Result<[(core: Int32, neuron: Int32)], TraceSpecError> {
    var neurons: [(core: Int32, neuron: Int32)] = []
    let configured = Set(model.cores.map { Int32(model.chip.coreID(x: $0.x, y: $0.y)) })
    for item in spec.split(separator: ",", omittingEmptySubsequences: false) {
      let parts = item.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 2, let core = Int32(parts[0].trimmingCharacters(in: .whitespaces)),
        let neuron = Int32(parts[1].trimmingCharacters(in: .whitespaces))
      else {
        return .failure(TraceSpecError(item: String(item), message: "'\(item)' is not CORE:NEURON (e.g. 0:3, the core's linear id y * width + x)"))
      }
      guard configured.contains(core) else {
        let ids = configured.sorted().prefix(8).map(String.init).joined(separator: ", ")
        return .failure(TraceSpecError(item: String(item), message: "core \(core) is not configured in the model; configured cores: \(ids)\(configured.count > 8 ? ", ..." : "")"))
      }
      guard neuron >= 0, Int(neuron) < model.chip.neuronsPerCore else {
        return .failure(TraceSpecError(item: String(item), message: "neuron \(neuron) is out of range; allowed: 0...\(model.chip.neuronsPerCore - 1)"))
      }
      neurons.append((core, neuron))
    }
    return .success(neurons)
  }

  /// What is wrong with a trace specification.
  public struct TraceSpecError: Error, Equatable, CustomStringConvertible {
    /// The item of the list that is wrong.
    public var item: String
    /// What is wrong and what is allowed.
    public var message: String
    /// The message.
    public var description: String { message }
  }

  /// Records the traced potentials after the tick `simulator` just ran.
  /// - Complexity: O(traced neurons).
  public func record(_ simulator: Simulator) {
    ticks.append(simulator.tick - 1)
    for n in neurons { potentials.append(simulator.potential(core: Int(n.core), neuron: Int(n.neuron)) ?? 0) }
  }

  /// The potential of traced neuron `k` at the `t`-th tick recorded.
  public func potential(neuron k: Int, at t: Int) -> Int32 { potentials[t * neurons.count + k] }

  /// The column names: `tick`, then `CORE:NEURON` per traced neuron.
  public var header: String { (["tick"] + neurons.map { "\($0.core):\($0.neuron)" }).joined(separator: ",") }

  /// The trace as CSV: the header, then one line per tick with the tick and each potential.
  public var csv: String {
    var s = header + "\n"
    for (t, tick) in ticks.enumerated() {
      s += String(tick)
      for k in neurons.indices { s += "," + String(potential(neuron: k, at: t)) }
      s += "\n"
    }
    return s
  }

  /// The potentials against ticks, one line per traced neuron (at most 2,000 points a line: a
  /// longer run is drawn every n-th tick, and the picture says so).
  public func svg() -> String {
    let every = max(1, (ticks.count + 1999) / 2000)
    var chart = LineChart(title: "Membrane potentials", xLabel: "tick", yLabel: "potential (end of tick: after leak, threshold and reset)")
    chart.integerX = true
    chart.integerY = true
    chart.subtitle = "\(neurons.count) neuron\(neurons.count == 1 ? "" : "s") (core:neuron), ticks \(ticks.first ?? 0)-\(ticks.last ?? 0)"
      + (every > 1 ? "; every \(every)th tick drawn" : "")
    chart.emptyMessage = "no ticks were run"
    for (k, n) in neurons.enumerated() {
      let points = stride(from: 0, to: ticks.count, by: every).map { (x: Double(ticks[$0]), y: Double(potential(neuron: k, at: $0))) }
      chart.series.append(.init(name: "\(n.core):\(n.neuron)", points: points, markers: points.count <= 60))
    }
    return chart.svg()
  }
}
