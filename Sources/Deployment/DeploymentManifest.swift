import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// What a deployed model needs besides its chip configuration to classify images: the input
/// encoding, the readout, the network it came from and the deployment's settings. `tnsim deploy`
/// saves it beside the model as `MODEL.manifest.json` (docs/deployed-format.md), so that
/// `tnsim eval MODEL.json` runs the model without redeploying and `tnsim encode` writes input
/// spikes that `tnsim run` can drive it with.
public struct DeploymentManifest: Sendable {
  /// The `format` value of a manifest file.
  public static let format = "tnsim-deployment"
  /// The version of the manifest format this tnsim reads and writes.
  public static let version = 1

  /// The trained network a deployment was sampled from.
  public struct NetworkReference: Sendable, Equatable {
    /// The network file as given to deploy.
    public var file: String
    /// SHA-256 (hex) of the network file's bytes.
    public var sha256: String
    /// The topology's name (e.g. mnist-5core).
    public var topology: String
    /// SHA-256 of the topology's canonical text (`DeployedNetwork.topologyDigest`).
    public var topologySHA256: String

    /// A network reference from its fields.
    public init(file: String, sha256: String, topology: String, topologySHA256: String) {
      self.file = file
      self.sha256 = sha256
      self.topology = topology
      self.topologySHA256 = topologySHA256
    }
  }

  /// The model file's name, in the manifest's folder.
  public var model: String
  /// SHA-256 of the model file's bytes: a manifest is refused for any other model.
  public var modelSHA256: String
  /// The chip reference the model was written with.
  public var chip: String
  /// The network the deployment was sampled from.
  public var network: NetworkReference
  /// The deployment's settings (copies, seed, leak rounding, shrinking, packing, scale).
  public var options: DeploymentOptions
  /// The ticks per frame given at deployment, the default of eval and encode; nil when none was.
  public var spf: Int?
  /// Which pixel feeds which core and axon in every copy, and the encoding seed.
  public var encoding: InputEncoding
  /// Which pin counts for which class, each pin's core and neuron, and the readout rule.
  public var readout: Readout

  /// A manifest from its parts.
  public init(model: String, modelSHA256: String, chip: String, network: NetworkReference, options: DeploymentOptions, spf: Int?,
    encoding: InputEncoding, readout: Readout)
  {
    self.model = model
    self.modelSHA256 = modelSHA256
    self.chip = chip
    self.network = network
    self.options = options
    self.spf = spf
    self.encoding = encoding
    self.readout = readout
  }

  /// The manifest path of a model path: `NAME.json` -> `NAME.manifest.json`, else the path with
  /// `.manifest.json` appended.
  public static func path(forModel model: String) -> String {
    (model.hasSuffix(".json") ? String(model.dropLast(5)) : model) + ".manifest.json"
  }

  /// Writes the MNIST-style test images `images` as input spikes to `path` (CSV, or tnsim's
  /// binary for `.tnspk`; docs/spike-formats.md), streamed at `spf` ticks per frame from tick 0
  /// with the encoding generator of `seed`: the spikes `tnsim eval` injects for the same images.
  /// - Returns: the number of spikes written.
  /// - Throws: `DeploymentError` for spf below 1 or images of another size, `.input` when the
  ///   file cannot be written.
  @discardableResult
  public func writeInputSpikes(_ images: ImageSet, spf: Int, seed: UInt64, to path: String) throws(DeploymentError) -> Int {
    do {
      let sink = try SpikeFormat.createInput(path)
      let count = try encoding.encode(images, spf: spf, seed: seed) { try sink.write($0) }
      try sink.close()
      return count
    } catch let error as DeploymentError {
      throw error
    } catch let error as InputError {
      throw .input(error)
    } catch {
      throw .input(InputError(file: path, message: "cannot write: \(error)"))
    }
  }
}

extension DeployedNetwork {
  /// Writes the model to `path` with `chipReference` as its chip, and the manifest beside it
  /// (`DeploymentManifest.path(forModel:)`).
  /// - Parameters:
  ///   - network: the network file the deployment was sampled from (its digest is recorded).
  ///   - spf: the default ticks per frame to record, if any.
  /// - Returns: the manifest written.
  /// - Throws: `InputError` when a file cannot be read or written.
  @discardableResult
  public func save(to path: String, chipReference: String, network: String, spf: Int?) throws(InputError) -> DeploymentManifest {
    var model = self.model
    model.chipReference = chipReference
    let bytes = model.fileBytes()
    try writeFileAtomically(bytes, to: path)
    let reference = DeploymentManifest.NetworkReference(
      file: network, sha256: SHA256.hex(try readFile(network)), topology: topologyName, topologySHA256: topologyDigest)
    let manifest = DeploymentManifest(
      model: URL(fileURLWithPath: path).lastPathComponent, modelSHA256: SHA256.hex(bytes), chip: chipReference, network: reference,
      options: options, spf: spf, encoding: encoding, readout: readout)
    try writeFileAtomically(manifest.fileBytes(), to: DeploymentManifest.path(forModel: path))
    return manifest
  }
}
