import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// What running images through the deployed network on the simulated chip gave.
public struct ChipEvaluation: Sendable {
  public var images: Int
  public var correct: Int
  public var copies: Int
  public var spf: Int
  public var coresUsed: Int
  /// Ticks between frames (spf) and from a frame's first tick to its last output (spf + pipeline).
  public var ticksPerImage: Int
  public var latencyTicks: Int
  public var spikesPerImage: Double
  public var synapticEventsPerImage: Double
  public var hopsPerImage: Double
  /// Energy estimate per image (docs/deployment.md): the dynamic energy of the counted events
  /// (`EnergyEstimate`, docs/routing-and-energy.md) plus the static power of the share of a chip
  /// the cores used occupy, over the image's ticks.
  public var energyPerImageJoules: Double
  public var wallSeconds: Double
  /// Threads the simulator used and the bytes of its state.
  public var threads: Int = 1
  public var stateBytes: Int = 0

  public var accuracy: Double { Double(correct) / Double(max(images, 1)) }
}

extension DeployedNetwork {
  /// Streams `images` through the simulated chip back to back, one frame every `spf` ticks, each
  /// pixel spiking with probability intensity in every tick of its frame (all copies see the same
  /// input spikes), and reads each frame's class from the output spikes of its ticks shifted by the
  /// pipeline depth, summed over copies; the class with most spikes (per neuron, when the network's
  /// score is the mean) wins, ties to the lowest class.
  /// - Parameters:
  ///   - seed: seeds the input encoding and the chip's generators.
  ///   - progress: called with (images done, images) about every 1%.
  public func evaluate(images: ImageSet, spf: Int, seed: UInt64, threads: Int = 0,
    progress: ((Int, Int) -> Void)? = nil) throws(DeploymentError) -> ChipEvaluation
  {
    guard spf >= 1 else { throw DeploymentError("spf must be at least 1") }
    guard images.pixelsPerImage == inputSize else {
      throw DeploymentError("images have \(images.pixelsPerImage) pixels; the network reads \(inputSize)")
    }
    let sim: Simulator
    do {
      sim = try Simulator(model: model, seed: seed, threads: threads)
    } catch {
      throw DeploymentError("\(error)")
    }
    sim.recordTraffic = true
    let start = Date()
    var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0x1F2E_3D4C_5B6A_7988))
    let frames = images.count
    let totalTicks = frames * spf + pipelineDepth
    // Counts of the frames whose windows are open: frame f's outputs are in ticks
    // [f * spf + depth, (f + 1) * spf + depth).
    var counts = [Int](repeating: 0, count: classes)
    var correct = 0
    var hops = 0
    let scale = neuronsPerClass.map { score == .mean ? 1 / Double(max($0, 1)) : 1.0 }
    let step = max(1, frames / 100)
    let width = model.chip.width
    // The axons of the tick's input spikes, collected for one call to the simulator.
    var targets: [(core: Int32, axon: Int32)] = []
    for t in 0..<totalTicks {
      let f = t / spf
      if f < frames {
        let base = f * inputSize
        targets.removeAll(keepingCapacity: true)
        for i in 0..<inputSize {
          let p = images.pixels[base + i]
          guard p > 0, Float(rng.nextUnit()) < p else { continue }
          for copy in 0..<inputAxons.count {
            targets.append(contentsOf: inputAxons[copy][inputStart[i]..<inputStart[i + 1]])
          }
        }
        sim.injectForNextTick(targets)
      }
      sim.step()
      // Outputs before the pipeline is full belong to no frame.
      if t >= pipelineDepth {
        for s in sim.spikes where s.pin >= 0 { counts[Int(pinClass[Int(s.pin)])] += 1 }
      }
      for r in sim.traffic.routes {
        let (sy, sx) = Int(r.source).quotientAndRemainder(dividingBy: width)
        let (ty, tx) = Int(r.target).quotientAndRemainder(dividingBy: width)
        hops += abs(sx - tx) + abs(sy - ty)
      }
      // The last tick of frame (t - depth) / spf's window: read it out.
      let readTick = t - pipelineDepth
      if readTick >= 0 && (readTick + 1) % spf == 0 {
        let frame = readTick / spf
        var best = 0
        for k in 1..<classes where Double(counts[k]) * scale[k] > Double(counts[best]) * scale[best] { best = k }
        if best == Int(images.labels[frame]) { correct += 1 }
        for k in counts.indices { counts[k] = 0 }
        if let progress, (frame + 1) % step == 0 || frame + 1 == frames { progress(frame + 1, frames) }
      }
    }
    let n = Double(max(frames, 1))
    let s = sim.statistics
    var events = EventCounts()
    events.synapticEvents = s.synapticEvents
    events.neuronUpdates = s.neuronUpdates
    events.spikes = s.spikes
    events.hops = Int64(hops)
    events.ticks = Int64(totalTicks)
    let estimate = EnergyEstimate(events, chip: model.chip)
    // Static power is charged for the share of a chip the deployment uses, not the whole board.
    let coreShare = Double(coresUsed) / Double(model.chip.coresPerChipX * model.chip.coresPerChipY)
    let staticEnergy = model.chip.energy.staticWattsPerChip * coreShare * estimate.seconds
    return ChipEvaluation(
      images: frames, correct: correct, copies: inputAxons.count, spf: spf, coresUsed: coresUsed, ticksPerImage: spf,
      latencyTicks: spf + pipelineDepth, spikesPerImage: Double(s.spikes) / n,
      synapticEventsPerImage: Double(s.synapticEvents) / n, hopsPerImage: Double(hops) / n,
      energyPerImageJoules: (estimate.dynamicJoules + staticEnergy) / n, wallSeconds: Date().timeIntervalSince(start),
      threads: sim.threadCount, stateBytes: sim.stateBytes)
  }
}
