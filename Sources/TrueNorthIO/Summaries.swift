import TrueNorth
/// Human-readable summaries of chip definitions, models and spike files (`tnsim info`).
extension ChipDefinition {
  /// A few lines describing the chip or board.
  public var summaryText: String {
    """
    chip definition \(name)\(summary.isEmpty ? "" : ": " + summary)
      grid          \(width) x \(height) cores (\(chipsX) x \(chipsY) chips of \(coresPerChipX) x \(coresPerChipY)), \(coreCount) cores
      core          \(axonsPerCore) axons x \(neuronsPerCore) neurons, \(axonTypes) axon types
      ranges        weight \(weightRange), leak \(leakRange), threshold \(thresholdRange), negative threshold \(negativeThresholdRange)
                    reset potential \(resetPotentialRange), potential \(potentialRange), TM \(thresholdMaskRange), dx/dy \(offsetRange), delay \(delayRange)
      tick          \(tickSeconds * 1000) ms; \(outputPins) output pins
      routing       \(routing.clockHz / 1e6) MHz modelled clock, \(routing.routerCyclesPerHop) cycles/hop, \(routing.coreCyclesPerNeuron) cycles/neuron, \(routing.coreCyclesPerSynapticEvent) cycles/synaptic event, chip link \(routing.chipLinkSpikesPerSecond / 1e6) M spikes/s
      energy        \(energy.synapticEventJoules * 1e12) pJ/synaptic event, \(energy.spikeHopJoules * 1e12) pJ/spike-hop, \(energy.chipLinkBitJoules * 1e12) pJ/chip-link bit, \(energy.staticWattsPerChip * 1000) mW static per chip
    """
  }
}

/// Counts that describe a model.
public struct ModelSummary: Sendable {
  public var cores = 0
  public var synapses = 0
  public var neuronsWithAxonDestination = 0
  public var neuronsWithPin = 0
  public var stochasticNeurons = 0
  public var pins: Set<Int32> = []
  public var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min

  public init(_ model: Model) {
    cores = model.cores.count
    for c in model.cores {
      minX = min(minX, c.x); maxX = max(maxX, c.x); minY = min(minY, c.y); maxY = max(maxY, c.y)
      synapses += c.crossbar.synapseCount
      for n in c.neurons {
        switch n.destination {
        case .none: break
        case .axon: neuronsWithAxonDestination += 1
        case .pin(let p):
          neuronsWithPin += 1
          pins.insert(p)
        }
        if n.stochasticSynapses != 0 || n.stochasticLeak || n.thresholdMaskBits > 0 { stochasticNeurons += 1 }
      }
    }
  }

  public func text(for model: Model) -> String {
    """
    model on \(model.chipReference) (\(model.chip.width) x \(model.chip.height) cores), seed \(model.seed)
      cores         \(cores) configured\(cores > 0 ? ", x \(minX)...\(maxX), y \(minY)...\(maxY)" : "")
      synapses      \(synapses) (\(cores > 0 ? String(format: "%.1f", Double(synapses) / Double(cores * model.chip.axonsPerCore * model.chip.neuronsPerCore) * 100) : "0")% of the crossbars)
      neurons       \(neuronsWithAxonDestination) send to axons, \(neuronsWithPin) to \(pins.count) output pins, \(stochasticNeurons) use stochastic modes
    """
  }
}

/// Counts that describe a spike file, read in one streamed pass.
public struct SpikeFileSummary: Sendable {
  public var format: SpikeFileFormat
  public var kind: String
  public var count = 0
  public var firstTick: Int64 = -1
  public var lastTick: Int64 = -1
  public var cores: Set<Int32> = []

  /// Reads the file as input spikes, or, when its header says so, as output spikes.
  public init(path: String) throws(InputError) {
    do {
      var r = try SpikeReader<InputSpike>(path: path)
      format = r.format
      kind = "input spikes (tick, core, axon)"
      while let s = try r.nextRecord() { add(s.tick, s.core) }
    } catch let inputError {
      guard let r0 = try? SpikeReader<OutputSpike>(path: path) else { throw inputError }
      var r = r0
      format = r.format
      kind = "output spikes (tick, core, neuron, pin)"
      count = 0
      cores = []
      while let s = try r.nextRecord() { add(s.tick, s.core) }
    }
  }

  mutating func add(_ tick: Int64, _ core: Int32) {
    if count == 0 { firstTick = tick }
    lastTick = tick
    count += 1
    cores.insert(core)
  }

  public var text: String {
    "\(format == .csv ? "CSV" : "binary") spike file of \(kind)\n  spikes        \(count)\n  ticks         "
      + (count > 0 ? "\(firstTick)...\(lastTick)" : "none") + "\n  cores         \(cores.count) distinct"
  }
}
