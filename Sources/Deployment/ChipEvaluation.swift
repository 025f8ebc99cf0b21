import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// What running images through the deployed network on the simulated chip gave.
public struct ChipEvaluation: Sendable {
  /// Images classified.
  public var images: Int
  /// Images classified as their label.
  public var correct: Int
  /// Copies of the network on the chip.
  public var copies: Int
  /// Ticks (input spikes per pixel at most) per frame.
  public var spf: Int
  /// Cores the deployment uses.
  public var coresUsed: Int
  /// Ticks between frames (spf) and from a frame's first tick to its last output (spf + pipeline).
  public var ticksPerImage: Int
  /// Ticks from a frame's first tick to its last output.
  public var latencyTicks: Int
  /// Spikes fired per image.
  public var spikesPerImage: Double
  /// Synaptic events per image.
  public var synapticEventsPerImage: Double
  /// Router hops of the spikes per image.
  public var hopsPerImage: Double
  /// Energy estimate per image (docs/deployment.md): the dynamic energy of the counted events
  /// (`EnergyEstimate`, docs/routing-and-energy.md) plus the static power of the share of a chip
  /// the cores used occupy, over the image's ticks.
  public var energyPerImageJoules: Double
  /// Wall-clock seconds of the simulation.
  public var wallSeconds: Double
  /// Threads the simulator used and the bytes of its state.
  public var threads: Int = 1
  /// Bytes of the simulator's state.
  public var stateBytes: Int = 0
  /// The class read out for each image, in order.
  public var predictions: [Int] = []

  /// The class read out for each image as CSV lines `image,label,class` under that header, the
  /// images numbered from `firstImage`.
  /// - Parameter labels: the images' labels, in the order evaluated.
  public func predictionsCSV(labels: [UInt8], firstImage: Int = 0) -> String {
    var text = "image,label,class\n"
    for (i, c) in predictions.enumerated() { text += "\(firstImage + i),\(labels[i]),\(c)\n" }
    return text
  }

  /// The share of images classified as their label.
  public var accuracy: Double { Double(correct) / Double(max(images, 1)) }
}

extension DeployedNetwork {
  /// Streams `images` through the simulated chip back to back, one frame every `spf` ticks, each
  /// pixel spiking with probability intensity in every tick of its frame (drawn per copy, or once
  /// for all copies: `InputEncoding`), and reads each frame's class from the output spikes of its
  /// ticks shifted by the pipeline depth, summed over copies (`Readout`).
  /// - Parameters:
  ///   - seed: seeds the input encoding and the chip's generators.
  ///   - threads: simulator threads; 0 = one per processor (the results do not depend on it).
  ///   - progress: called with (images done, images) about every 1%.
  /// - Throws: `DeploymentError` for spf below 1, images of another size, or a model the
  ///   simulator refuses.
  public func evaluate(images: ImageSet, spf: Int, seed: UInt64, threads: Int = 0,
    progress: ((Int, Int) -> Void)? = nil) throws(DeploymentError) -> ChipEvaluation
  {
    try ChipEvaluation(model: model, encoding: encoding, readout: readout, images: images, spf: spf, seed: seed, threads: threads, progress: progress)
  }
}

extension ChipEvaluation {
  /// Streams `images` through `model` on the simulated chip, fed by `encoding` and read by
  /// `readout` (`DeployedNetwork.evaluate`, `DeployedModel.evaluate`).
  /// - Throws: `DeploymentError` for spf below 1, images of another size, or a model the
  ///   simulator refuses.
  public init(model: Model, encoding: InputEncoding, readout: Readout, images: ImageSet, spf: Int, seed: UInt64, threads: Int = 0,
    progress: ((Int, Int) -> Void)? = nil) throws(DeploymentError)
  {
    guard spf >= 1 else { throw .spfOutOfRange(spf) }
    guard images.pixelsPerImage == encoding.inputSize else {
      throw .imageSizeMismatch(pixels: images.pixelsPerImage, inputSize: encoding.inputSize)
    }
    let sim: Simulator
    do {
      sim = try Simulator(model: model, seed: seed, threads: threads)
    } catch {
      throw .simulation(error)
    }
    sim.recordTraffic = true
    let start = Date()
    var stream = FrameStream(encoding: encoding, readout: readout, images: images, spf: spf, seed: seed, width: model.chip.width)
    let frames = images.count
    let step = max(1, frames / 100)
    for t in 0..<stream.totalTicks {
      stream.inject(tick: t, into: sim)
      sim.step()
      stream.collect(tick: t, from: sim)
      if let frame = stream.readOut(tick: t), let progress, (frame + 1) % step == 0 || frame + 1 == frames { progress(frame + 1, frames) }
    }
    self.init(sim, stream: stream, model: model, copies: encoding.copies, spf: spf, wallSeconds: Date().timeIntervalSince(start))
  }

  /// The figures of a finished stream: counts per image and the energy estimate (the dynamic
  /// energy of the counted events plus the static power of the share of a chip the cores use).
  init(_ sim: Simulator, stream: FrameStream, model: Model, copies: Int, spf: Int, wallSeconds: Double) {
    let frames = stream.images.count
    let n = Double(max(frames, 1))
    let s = sim.statistics
    var events = EventCounts()
    events.synapticEvents = s.synapticEvents
    events.neuronUpdates = s.neuronUpdates
    events.spikes = s.spikes
    events.hops = Int64(stream.hops)
    events.ticks = Int64(stream.totalTicks)
    let estimate = EnergyEstimate(events, chip: model.chip)
    // Static power is charged for the share of a chip the deployment uses, not the whole board.
    let coreShare = Double(model.cores.count) / Double(model.chip.coresPerChipX * model.chip.coresPerChipY)
    let staticEnergy = model.chip.energy.staticWattsPerChip * coreShare * estimate.seconds
    self.init(
      images: frames, correct: stream.correct, copies: copies, spf: spf, coresUsed: model.cores.count, ticksPerImage: spf,
      latencyTicks: spf + stream.readout.pipelineDepth, spikesPerImage: Double(s.spikes) / n,
      synapticEventsPerImage: Double(s.synapticEvents) / n, hopsPerImage: Double(stream.hops) / n,
      energyPerImageJoules: (estimate.dynamicJoules + staticEnergy) / n, wallSeconds: wallSeconds,
      threads: sim.threadCount, stateBytes: sim.stateBytes, predictions: stream.predictions)
  }
}

/// The state of a stream of frames through the simulator: the encoding generator, the class
/// counts of the open readout window, hops, and the classes read so far.
struct FrameStream {
  let encoding: InputEncoding
  let readout: Readout
  let images: ImageSet
  let spf: Int
  /// The chip's width in cores, to turn core ids into hops.
  let width: Int
  let weights: [Double]
  var rng: SplitMix64
  /// The axons of the tick's input spikes, collected for one call to the simulator.
  var targets: [(core: Int32, axon: Int32)] = []
  /// Counts of the frame whose window is open: frame f's outputs are in ticks
  /// [f * spf + depth, (f + 1) * spf + depth).
  var counts: [Int]
  var correct = 0
  var hops = 0
  var predictions: [Int] = []

  init(encoding: InputEncoding, readout: Readout, images: ImageSet, spf: Int, seed: UInt64, width: Int) {
    self.encoding = encoding
    self.readout = readout
    self.images = images
    self.spf = spf
    self.width = width
    weights = readout.classWeights
    rng = InputEncoding.generator(seed: seed)
    counts = [Int](repeating: 0, count: readout.classes)
    predictions.reserveCapacity(images.count)
  }

  /// Ticks until the last frame's outputs are read.
  var totalTicks: Int { images.count * spf + readout.pipelineDepth }

  /// Draws tick t's input spikes and schedules them.
  mutating func inject(tick t: Int, into sim: Simulator) {
    let f = t / spf
    guard f < images.count else { return }
    encoding.drawTick(images.image(f), rng: &rng, into: &targets)
    sim.injectForNextTick(targets)
  }

  /// Counts tick t's pin spikes (outputs before the pipeline is full belong to no frame) and the
  /// hops of its routes.
  mutating func collect(tick t: Int, from sim: Simulator) {
    if t >= readout.pipelineDepth {
      for s in sim.spikes where s.pin >= 0 { counts[Int(readout.pinClass[Int(s.pin)])] += 1 }
    }
    for r in sim.traffic.routes {
      let (sy, sx) = Int(r.source).quotientAndRemainder(dividingBy: width)
      let (ty, tx) = Int(r.target).quotientAndRemainder(dividingBy: width)
      hops += abs(sx - tx) + abs(sy - ty)
    }
  }

  /// At the last tick of a frame's window, reads its class and opens the next window.
  /// - Returns: the frame read, or nil in other ticks.
  mutating func readOut(tick t: Int) -> Int? {
    let readTick = t - readout.pipelineDepth
    guard readTick >= 0 && (readTick + 1) % spf == 0 else { return nil }
    let frame = readTick / spf
    let best = readout.winner(counts, weights: weights)
    predictions.append(best)
    if best == Int(images.labels[frame]) { correct += 1 }
    for k in counts.indices { counts[k] = 0 }
    return frame
  }
}
