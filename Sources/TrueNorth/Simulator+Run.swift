import Foundation

/// What a run did: counts, time and throughput (printed by `tnsim run`).
public struct RunSummary: Sendable {
  public var ticks: Int64
  public var cores: Int
  public var neurons: Int
  public var threads: Int
  public var statistics: Simulator.Statistics
  /// Spikes written to the output file (or counted for it).
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

  /// One JSON object with every figure.
  public func json(tickSeconds: Double) -> String {
    let s = statistics
    let fields: [(String, String)] = [
      ("ticks", "\(ticks)"), ("cores", "\(cores)"), ("neurons", "\(neurons)"), ("threads", "\(threads)"),
      ("spikes", "\(s.spikes)"), ("inputSpikes", "\(s.inputSpikes)"), ("outputSpikes", "\(outputSpikes)"),
      ("synapticEvents", "\(s.synapticEvents)"), ("neuronUpdates", "\(s.neuronUpdates)"),
      ("coreTicksComputed", "\(s.coreTicksComputed)"),
      ("meanRateHz", fmt(meanRateHz(tickSeconds: tickSeconds))),
      ("wallSeconds", fmt(wallSeconds)), ("ticksPerSecond", fmt(ticksPerSecond)),
      ("synapticEventsPerSecond", fmt(synapticEventsPerSecond)), ("spikesPerSecond", fmt(spikesPerSecond)),
      ("nsPerSynapticEvent", fmt(s.synapticEvents > 0 ? wallSeconds * 1e9 / Double(s.synapticEvents) : 0)),
      ("stateBytes", "\(stateBytes)"),
    ]
    return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
  }

  func fmt(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "0" }
}

extension Simulator {
  /// Runs the model over streamed input spikes, writing the reported spikes as they happen.
  ///
  /// - Parameters:
  ///   - ticks: ticks to run; nil = until the last input spike's tick plus 16 ticks (the longest
  ///     delay), which needs an input.
  ///   - input: input spikes in tick order; each is injected in its tick.
  ///   - output: where reported spikes go (pin spikes, or all with `recordAll`).
  ///   - progress: called about every 1% of the ticks with the ticks done.
  ///   - afterTick: called after every tick (e.g. the cycle model of `runCycleFidelity`); what it
  ///     throws ends the run.
  /// - Throws: `InputError` for a spike to an unconfigured core or axon, or a file error.
  public func run(
    ticks: Int64?, input: inout (any SpikeSource<InputSpike>)?, output: SpikeWriter<OutputSpike>?,
    progress: ((Int64, Int64?) -> Void)? = nil, afterTick: ((Simulator) throws(InputError) -> Void)? = nil
  ) throws(InputError) -> RunSummary {
    let start = Date()
    let startTick = tick
    var pending = try input?.next()
    var lastInputTick: Int64 = pending?.tick ?? -1
    var written: Int64 = 0
    let step = max(1, (ticks ?? 1000) / 100)
    while true {
      if let ticks {
        if tick - startTick >= ticks { break }
      } else if pending == nil && tick > lastInputTick + 16 {
        break
      }
      while let p = pending, p.tick <= tick {
        if p.tick == tick, !inject(p) {
          throw InputError(file: input!.path, line: input!.lastLocation.line, path: input!.lastLocation.path,
            message: "spike to core \(p.core) axon \(p.axon): "
              + (Int(p.core) < compactIndex.count && compactIndex[Int(p.core)] >= 0
                ? "axon out of range; allowed: 0...\(chip.axonsPerCore - 1)"
                : "core \(p.core) is not configured in the model (core ids are y * \(chip.width) + x)"))
        }
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
}
