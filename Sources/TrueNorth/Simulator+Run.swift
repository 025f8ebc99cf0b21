import Foundation

/// What a run did: counts, time and throughput.
public struct RunSummary: Sendable {
  public var ticks: Int64
  public var cores: Int
  public var neurons: Int
  public var threads: Int
  public var statistics: Simulator.Statistics
  /// Spikes written to the output sink (or counted for it).
  public var outputSpikes: Int64
  public var wallSeconds: Double
  public var stateBytes: Int

  public var ticksPerSecond: Double { Double(ticks) / max(wallSeconds, 1e-9) }
  public var synapticEventsPerSecond: Double { Double(statistics.synapticEvents) / max(wallSeconds, 1e-9) }
  public var spikesPerSecond: Double { Double(statistics.spikes) / max(wallSeconds, 1e-9) }
  /// Mean firing rate per neuron in Hz at the chip's real-time tick.
  public func meanRateHz(tickSeconds: Double) -> Double {
    Double(statistics.spikes) / Double(max(neurons, 1)) / Double(max(ticks, 1)) / tickSeconds
  }
}

extension Simulator {
  /// The ticks after the last input spike that a run without a tick count goes on for: the
  /// scheduler's window, so every delayed spike of the input has arrived.
  public static let drainTicks: Int64 = Int64(SimulatorStorage.slots)

  /// Runs the model over streamed input spikes, handing the reported spikes to `output` as they
  /// happen.
  ///
  /// - Parameters:
  ///   - ticks: ticks to run; nil = until the last input spike's tick plus `drainTicks`, which
  ///     needs an input.
  ///   - input: input spikes in tick order; each is injected in its tick.
  ///   - output: where reported spikes go (pin spikes, or all with `recordAll`).
  ///   - progress: called about every 1% of the ticks with the ticks done.
  ///   - afterTick: called after every tick (e.g. the cycle model of `runCycleFidelity`); what it
  ///     throws ends the run.
  /// - Throws: `SimulationError.rejectedInput` for a spike to an unconfigured core or axon, and
  ///   whatever `input`, `output` or `afterTick` throw.
  public func run(
    ticks: Int64?, input: inout (any SpikeSource<InputSpike>)?, output: (any SpikeSink<OutputSpike>)?,
    progress: ((Int64, Int64?) -> Void)? = nil, afterTick: ((Simulator) throws -> Void)? = nil
  ) throws -> RunSummary {
    let start = Date()
    let startTick = tick
    var pending = try input?.next()
    var consumed: Int64 = 0
    var lastInputTick: Int64 = pending?.tick ?? -1
    var written: Int64 = 0
    let step = max(1, (ticks ?? 1000) / 100)
    while true {
      if let ticks {
        if tick - startTick >= ticks { break }
      } else if pending == nil && tick > lastInputTick + Self.drainTicks {
        break
      }
      while let p = pending, p.tick <= tick {
        if p.tick == tick, !inject(p) {
          throw SimulationError.rejectedInput(p, index: consumed, reason: rejection(of: p))
        }
        consumed += 1
        lastInputTick = p.tick
        pending = try input!.next()
      }
      self.step()
      if let output {
        for s in spikes { try output.write(s) }
      }
      written += Int64(spikes.count)
      try afterTick?(self)
      if let progress, (tick - startTick) % step == 0 { progress(tick - startTick, ticks) }
    }
    return RunSummary(
      ticks: tick - startTick, cores: coreIDs.count, neurons: coreIDs.count * chip.neuronsPerCore,
      threads: threadCount, statistics: statistics, outputSpikes: written,
      wallSeconds: Date().timeIntervalSince(start), stateBytes: stateBytes)
  }

  /// Why `inject` refuses a spike.
  func rejection(of p: InputSpike) -> String {
    if Int(p.core) < compactIndex.count && p.core >= 0 && compactIndex[Int(p.core)] >= 0 {
      return "axon out of range; allowed: 0...\(chip.axonsPerCore - 1)"
    }
    return "core \(p.core) is not configured in the model (core ids are y * \(chip.width) + x)"
  }
}
