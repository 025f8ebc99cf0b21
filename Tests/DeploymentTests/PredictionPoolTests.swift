import Testing
@testable import Deployment
import TeaLearning
import TrueNorth

/// The prediction's pool is drawn a chunk of images and a block of rows at a time and never held
/// whole; these tests hold it to the pool drawn whole, as `AccuracyPrediction` drew it before.
@Suite struct PredictionPoolTests {
  /// A two-layer network whose hidden spikes are random (connections and leaks drawn), on the
  /// 10-pixel noisy images of `DeploymentTests`.
  static let net = network(
    inputs: 10, hiddenCores: 2, hidden: 24, outputs: 30, seed: 9,
    connection: { rng in Float(rng.nextUnit()) }, leak: { rng in -Float(rng.nextUnit()) })
  static let images = DeploymentTests.noisyImages(label: 0.6, other: 0.3, seed: 21)

  /// The reference: every image's input draws, then every layer (`prediction.layers`, the network
  /// split into one-layer networks) over all of a chunk's rows at once in Float, the generator
  /// running through the chunk's input draws and then each hidden layer's.
  static func wholePool(_ prediction: AccuracyPrediction, images: ImageSet, seed: UInt64) -> [UInt8] {
    let layers = prediction.layers
    let inputSize = layers[0].topology.inputSize
    let (inputDraws, hiddenDraws, poolSize) = (prediction.inputDraws, prediction.hiddenDraws, prediction.poolSize)
    var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0x5EED_9001))
    var pool: [UInt8] = []
    for first in stride(from: 0, to: images.count, by: 512) {
      let count = min(512, images.count - first)
      var spikes = [Float](repeating: 0, count: count * poolSize * inputSize)
      for i in 0..<count {
        for r in 0..<inputDraws {
          let base = (i * poolSize + r * hiddenDraws) * inputSize
          for (k, p) in images.image(first + i).enumerated() where p > 0 && Float(rng.nextUnit()) < p { spikes[base + k] = 1 }
          for h in 1..<hiddenDraws {
            for k in 0..<inputSize { spikes[base + h * inputSize + k] = spikes[base + k] }
          }
        }
      }
      var width = inputSize
      for (l, layer) in layers.enumerated() {
        let p = layer.outputProbabilities(
          ImageSet(pixels: spikes, labels: [UInt8](repeating: 0, count: count * poolSize), rows: 1, columns: width), threads: 1)
        width = layer.topology.outputCount
        if l == layers.count - 1 {
          pool += p.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
        } else {
          spikes = p.map { Float(rng.nextUnit()) < $0 ? 1 : 0 }
        }
      }
    }
    return pool
  }

  /// 2,000 images are four chunks, and a chunk's 512 x 64 rows sixteen row blocks: the pool drawn
  /// that way is byte for byte the pool drawn whole, for independent and shared inputs.
  @Test(arguments: InputSampling.allCases)
  func chunkedPoolIsThePoolDrawnWhole(inputs: InputSampling) {
    let prediction = AccuracyPrediction(network: Self.net, images: Self.images, inputs: inputs, seed: 4, threads: 0)
    var chunked: [UInt8] = []
    var firsts: [Int] = []
    prediction.forEachChunk { first, count, pool in
      #expect(pool.count == count * prediction.poolSize * prediction.outputs)
      firsts.append(first)
      chunked += pool
    }
    #expect(firsts == [0, 512, 1024, 1536])
    let whole = Self.wholePool(prediction, images: Self.images, seed: 4)
    #expect(chunked.count == whole.count)
    // The first byte that differs, not the arrays: a failing comparison of 1.3 million bytes
    // would have the test library diff them for minutes.
    let difference = zip(chunked, whole).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    #expect(difference == nil, "the pools differ from byte \(difference ?? -1)")
    // The hidden spikes vary: the pool is not the same for every draw of an image.
    #expect(Set(whole[0..<(prediction.poolSize * prediction.outputs)]).count > 2)
  }

  /// Several points from one drawing of the pool are what each point's own prediction gives, on
  /// one thread and on all of them.
  @Test func pointsPredictedTogetherAreEachPointsPrediction() {
    let points = [(copies: 1, spf: 1), (copies: 4, spf: 2), (copies: 16, spf: 1), (copies: 3, spf: 8)]
    for inputs in InputSampling.allCases {
      let prediction = AccuracyPrediction(network: Self.net, images: Self.images, inputs: inputs, seed: 4, threads: 0)
      let together = prediction.accuracies(points, seed: 7)
      let single = AccuracyPrediction(network: Self.net, images: Self.images, inputs: inputs, seed: 4, threads: 1)
      #expect(single.accuracies(points, seed: 7) == together)
      #expect(points.map { single.accuracy(copies: $0.copies, spf: $0.spf, seed: 7) } == together)
      #expect(Set(together).count == points.count, "\(together)")
    }
  }
}
