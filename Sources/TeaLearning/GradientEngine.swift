/// The training images of one step, in order: `images` at `indices`.
public struct MiniBatch: Sendable {
  /// The image set the indices point into.
  public var images: ImageSet
  /// The batch's images, in batch order.
  public var indices: ArraySlice<Int>

  /// A batch of `images` at `indices`.
  public init(images: ImageSet, indices: ArraySlice<Int>) {
    self.images = images
    self.indices = indices
  }

  /// Images in the batch.
  public var count: Int { indices.count }

  /// The part of the batch data-parallel worker `rank` of `workers` takes: contiguous shards of
  /// nearly equal size, the first `count % workers` shards one image larger.
  public func shard(_ rank: Int, of workers: Int) -> MiniBatch {
    let base = count / workers, extra = count % workers
    let lo = indices.startIndex + rank * base + min(rank, extra)
    let hi = lo + base + (rank < extra ? 1 : 0)
    return MiniBatch(images: images, indices: indices[lo..<hi])
  }
}

/// The data term of one step: the loss summed over the samples, how many were classified
/// correctly, and the gradient of the mean loss.
public struct BatchGradient: Sendable {
  /// The data loss summed over the samples.
  public var lossSum: Double
  /// Samples classified correctly (before the step).
  public var correct: Int
  /// Samples the gradient was computed on.
  public var count: Int
  /// The gradient of the mean data loss over the samples.
  public var gradient: ParameterGradient

  /// A result from its parts.
  public init(lossSum: Double, correct: Int, count: Int, gradient: ParameterGradient) {
    self.lossSum = lossSum
    self.correct = correct
    self.count = count
    self.gradient = gradient
  }
}

/// Computes the data loss and its exact gradient for a network on a mini-batch: the trainer's
/// own engine, and the one a data-parallel plug-in gives each of its workers. Not thread-safe:
/// one engine per thread.
public final class GradientEngine {
  /// The loss on the class neurons and the factor on the class scores before a softmax.
  public let loss: LossFunction
  /// The factor on the class scores before a softmax.
  public let softmaxScale: Double
  /// The largest batch the engine takes.
  public let capacity: Int
  /// Draws of the hidden spikes per image when `lossAndGradient` samples them.
  public let hiddenDraws: Int
  /// The teacher the loss distils, if any (`Distillation`).
  public let teacher: Teacher?
  let engine: _BatchEngine
  let teacherEngine: _BatchEngine?

  /// An engine for `topology` and batches of up to `capacity` images; `threads` 1 runs on the
  /// calling thread, any other value on all processors (the results are the same).
  /// `hiddenDraws` (K) is how many times sampled hidden spikes are drawn per image; with a
  /// `teacher` the loss also distils its outputs on the same images.
  public init(
    topology: Topology, capacity: Int, threads: Int, loss: LossFunction, softmaxScale: Double, hiddenDraws: Int = 1, teacher: Teacher? = nil
  ) {
    precondition(teacher == nil || teacher!.network.topology.classes == topology.classes, "the teacher has other classes")
    self.loss = loss
    self.softmaxScale = softmaxScale
    self.capacity = max(capacity, 1)
    self.hiddenDraws = max(hiddenDraws, 1)
    self.teacher = teacher
    // The layers after the first run on every draw of every image.
    engine = _BatchEngine(topology: topology, capacity: self.capacity * self.hiddenDraws, threads: threads)
    let teacherCapacity = self.capacity
    teacherEngine = teacher.map { t in
      let e = _BatchEngine(topology: t.network.topology, capacity: teacherCapacity, threads: threads)
      e.derivatives = false
      e.load(t.network)
      return e
    }
  }

  /// The loss, correct count and mean-loss gradient of `network` on `batch` (at most `capacity`
  /// images; an empty batch gives a zero gradient).
  /// - Parameter hiddenSpikes: when given, every hidden layer's outputs are drawn as 0/1 spikes,
  ///   `hiddenDraws` times per image, the loss is taken on the mean of the draws' class-neuron
  ///   probabilities, and the gradient passes through each draw to its probability. Draw r of image
  ///   `batch.indices[i]` comes from this seed and `indices[i] * hiddenDraws + r`, so a worker's
  ///   shard draws what the whole batch would.
  public func lossAndGradient(_ network: ShadowNetwork, on batch: MiniBatch, hiddenSpikes: UInt64? = nil) -> BatchGradient {
    precondition(batch.count <= capacity, "batch larger than the engine")
    var g = ParameterGradient(zeroLike: network)
    let count = batch.count
    guard count > 0 else { return BatchGradient(lossSum: 0, correct: 0, count: 0, gradient: g) }
    // A network without hidden layers has nothing to draw.
    let draws = hiddenSpikes == nil || network.topology.layers.count < 2 ? 1 : hiddenDraws
    engine.setInputs(batch.images.pixels, rows: batch.indices)
    engine.setLabels(batch.indices.lazy.map { batch.images.labels[$0] })
    engine.load(network)
    engine.forward(
      count: count, hiddenSpikes: hiddenSpikes.map { ($0, draws, batch.indices.lazy.flatMap { i in (0..<draws).lazy.map { i * draws + $0 } }) })
    if draws > 1 { engine.averageDraws(images: count, draws: draws) }
    if let teacher, let teacherEngine {
      teacherEngine.setInputs(batch.images.pixels, rows: batch.indices)
      teacherEngine.forward(count: count)
      engine.setTargets(from: teacherEngine, count: count, function: loss, softmaxScale: softmaxScale, temperature: teacher.temperature)
    }
    let r = engine.loss(
      count: count, function: loss, softmaxScale: softmaxScale, gradients: true, gradScale: 1 / Float(count),
      distill: teacher.map { ($0.weight, $0.temperature) })
    if draws > 1 { engine.spreadDraws(images: count, draws: draws) }
    engine.backward(count: count, draws: draws)
    for k in engine.cores.indices { g.cores[k] = engine.gradient(ofCore: k) }
    return BatchGradient(lossSum: r.loss, correct: r.correct, count: count, gradient: g)
  }
}
