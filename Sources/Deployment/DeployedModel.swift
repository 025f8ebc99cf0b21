import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// A deployed model read back from its files: the model and its manifest
/// (`DeploymentManifest`), ready to classify images without the network it came from.
public struct DeployedModel: Sendable {
  /// The model file's path.
  public var path: String
  /// The chip model.
  public var model: Model
  /// Its encoding, readout and settings.
  public var manifest: DeploymentManifest

  /// Whether `path` is a deployed model: a file with a manifest beside it.
  public static func isDeployed(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: DeploymentManifest.path(forModel: path))
  }

  /// Reads a model and its manifest, checking that the manifest was written for this model.
  /// - Throws: `InputError` naming the file and what is wrong.
  public init(path: String) throws(InputError) {
    let manifestPath = DeploymentManifest.path(forModel: path)
    manifest = try DeploymentManifest.load(path: manifestPath)
    let bytes = try readFile(path)
    guard SHA256.hex(bytes) == manifest.modelSHA256 else {
      throw InputError(file: manifestPath, path: "modelSHA256", message: "was written for another model than \(path) (its SHA-256 differs); deploy again to write both")
    }
    model = try Model.load(path: path)
    self.path = path
    let pins = model.cores.flatMap { $0.neurons }.compactMap { n -> Int32? in if case .pin(let p) = n.destination { return p } else { return nil } }
    guard pins.allSatisfy({ Int($0) < manifest.readout.pinClass.count }) else {
      throw InputError(file: manifestPath, path: "readout", message: "has \(manifest.readout.pinClass.count) pins; the model sends to pin \(pins.max() ?? 0)")
    }
  }

  /// Streams `images` through the model as `DeployedNetwork.evaluate` does: the same accuracy,
  /// spikes and energy as evaluating the network it was deployed from with the same settings.
  /// - Parameter seed: the encoding's and the chip's seed (the manifest's encoding seed gives
  ///   what `tnsim eval NET.json` gives).
  /// - Throws: `DeploymentError` for spf below 1, images of another size, or a model the
  ///   simulator refuses.
  public func evaluate(images: ImageSet, spf: Int, seed: UInt64, threads: Int = 0,
    progress: ((Int, Int) -> Void)? = nil) throws(DeploymentError) -> ChipEvaluation
  {
    try ChipEvaluation(model: model, encoding: manifest.encoding, readout: manifest.readout, images: images, spf: spf, seed: seed,
      threads: threads, progress: progress)
  }

  /// The network the model was deployed from, when its file is still where the manifest says
  /// (relative paths from the current folder, then from the manifest's folder) with the same
  /// SHA-256; nil otherwise.
  public func network() -> TrainedNetwork? {
    let file = manifest.network.file
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    for candidate in file.hasPrefix("/") ? [file] : [file, folder + "/" + file] {
      guard let bytes = try? readFile(candidate), SHA256.hex(bytes) == manifest.network.sha256 else { continue }
      return try? TrainedNetwork.read(from: candidate)
    }
    return nil
  }
}
