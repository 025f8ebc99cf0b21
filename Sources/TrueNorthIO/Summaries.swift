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
  /// Configured cores.
  public var cores = 0
  /// Synapses over every crossbar.
  public var synapses = 0
  /// Neurons that send to an axon.
  public var neuronsWithAxonDestination = 0
  /// Neurons that send to an output pin.
  public var neuronsWithPin = 0
  /// Neurons using a stochastic synapse, leak or threshold.
  public var stochasticNeurons = 0
  /// The output pins used.
  public var pins: Set<Int32> = []
  /// The bounding box of the configured cores.
  public var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min

  /// Counts `model`'s cores, synapses and neurons.
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

  /// A few lines for people (`tnsim info`).
  public func text(for model: Model) -> String {
    """
    model on \(model.chipReference) (\(model.chip.width) x \(model.chip.height) cores), seed \(model.seed)
      cores         \(cores) configured\(cores > 0 ? ", x \(minX)...\(maxX), y \(minY)...\(maxY)" : "")
      synapses      \(synapses) (\(cores > 0 ? String(format: "%.1f", Double(synapses) / Double(cores * model.chip.axonsPerCore * model.chip.neuronsPerCore) * 100) : "0")% of the crossbars)
      neurons       \(neuronsWithAxonDestination) send to axons, \(neuronsWithPin) to \(pins.count) output pins, \(stochasticNeurons) use stochastic modes
    """
  }
}

/// Counts that describe a spike file of any format, read in one pass.
public struct SpikeFileSummary: Sendable {
  /// The file's format, from its content.
  public var format: SpikeFormat
  /// Which records it holds, in words.
  public var kind: String
  /// Spikes in the file.
  public var count = 0
  /// The first spike's tick, or -1 for none.
  public var firstTick: Int64 = -1
  /// The last spike's tick, or -1 for none.
  public var lastTick: Int64 = -1
  /// The distinct cores the spikes go to or come from.
  public var cores: Set<Int32> = []

  /// Reads the file as input spikes, or, when its format or header says so, as output spikes.
  /// - Parameter chip: the chip that numbers the cores of RANC packets.
  /// - Throws: `InputError` naming the file and where it is not as allowed.
  public init(path: String, chip: ChipDefinition? = nil) throws(InputError) {
    format = try SpikeFormat.detect(path: path)
    do {
      var r = try format.inputReader(path: path, chip: chip)
      kind = "input spikes (tick, core, axon)"
      while let s = try r.nextRecord() { add(s.tick, s.core) }
    } catch let inputError {
      guard format.records.holdsOutput, let r0 = try? format.outputReader(path: path) else { throw inputError }
      var r = r0
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

  /// A few lines for people: the format and kind, the count, the ticks and the cores.
  public var text: String {
    let name = format == .csv ? "CSV" : format == .tnspk ? "binary" : format.title
    return "\(name) spike file of \(kind)\n  spikes        \(count)\n  ticks         "
      + (count > 0 ? "\(firstTick)...\(lastTick)" : "none") + "\n  cores         \(cores.count) distinct"
  }
}
