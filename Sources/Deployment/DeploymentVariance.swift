import Foundation
import TeaLearning

/// The deployment variance of the neurons (docs/deployment.md): a synapse realised as weight s
/// present with probability p, fed spikes with probability x, adds s * Bernoulli(x p) to its
/// neuron's input, with variance s^2 x p (1 - x p). A neuron's deployment variance is the sum over
/// its synapses; the report averages it over the neurons of each layer and over images, with the
/// spike probabilities x the shadow network gives for those images.
public struct DeploymentVariance: Sendable {
  /// Mean variance per neuron, one entry per layer.
  public var perLayer: [Double]
  /// Images the mean is over.
  public var images: Int = 0

  /// The mean deployment variance per neuron of each layer over the first `maxImages` images.
  /// - Parameter options: the weight tables and scales of this deployment (`shrinkWeights`,
  ///   `scale`); the variance is in the trained units (a neuron of scale k: divided by k^2).
  public init(_ trained: TrainedNetwork, images: ImageSet, options: DeploymentOptions, maxImages: Int = 200) {
    let net = trained.network
    let topology = net.topology
    let starts = net.layerStarts
    let tables = net.cores.map { DeployedNetwork.weightTable($0, options: options) }
    var totals = [Double](repeating: 0, count: topology.layers.count)
    // Images of another size than the network reads give no figure rather than a trap.
    let count = images.pixelsPerImage == topology.inputSize ? min(maxImages, images.count) : 0
    for i in 0..<count {
      let layers = net.forward(image: Array(images.image(i)))
      for l in topology.layers.indices {
        let inputs = l == 0 ? Array(images.image(i)) : layers[l - 1]
        for k in starts[l]..<starts[l + 1] {
          let p = net.cores[k]
          let shape = topology.cores[k]
          for a in 0..<p.axons {
            let x = Double(inputs[shape.inputs[a]])
            guard x > 0 else { continue }
            let g = Int(p.axonTypes[a])
            for n in 0..<p.neurons {
              let scale = Double(tables[k].scale[n])
              let s = scale * Double(p.weights[n * 4 + g]), s2 = Double(tables[k].weights[n * 4 + g])
              guard s2 != 0 else { continue }
              let q = x * Double(p.connections[a * p.neurons + n]) * s / s2
              totals[l] += s2 * s2 * q * (1 - q) / (scale * scale)
            }
          }
        }
      }
    }
    self.images = count
    perLayer = totals.enumerated().map { l, t in t / Double(max(count, 1)) / Double(max(topology.outputs(ofLayer: l), 1)) }
  }
}

/// The deployment variance of a deployment beside that of the trained weight tables (no shrinking,
/// scale 1), per layer (`tnsim deploy` prints it).
public struct VarianceReport: Sendable, CustomStringConvertible {
  /// Mean variance per neuron per layer with the deployment's weight tables.
  public var deployed: DeploymentVariance
  /// The same with the trained weight tables.
  public var trained: DeploymentVariance

  /// Both variances of `network` deployed with `options`, over the first 200 of `images`.
  public init(_ network: TrainedNetwork, images: ImageSet, options: DeploymentOptions) {
    var plain = options
    (plain.shrinkWeights, plain.scale) = (false, 1)
    trained = DeploymentVariance(network, images: images, options: plain)
    deployed = DeploymentVariance(network, images: images, options: options)
  }

  /// One line per layer.
  public var description: String {
    trained.perLayer.indices.map { l in
      "deployment variance per neuron, layer \(l): \(String(format: "%.3f", deployed.perLayer[l])) (trained weight tables: "
        + "\(String(format: "%.3f", trained.perLayer[l])); mean over \(trained.images) test images)"
    }.joined(separator: "\n")
  }
}
