/// A job as every adapter receives it: already priced and routed, so the model is the
/// provider's own slug. Adapters map these fields onto each API's names and formats.
public struct ProviderJobSpec: Sendable, Equatable {
    /// Text-to-video, image-to-video, video-to-video, upscale.
    public enum Mode: String, Sendable, Equatable {
        case textToVideo = "t2v"
        case imageToVideo = "i2v"
        case videoToVideo = "v2v"
        case upscale = "upscale"
    }

    public var model: String
    public var prompt: String
    public var durationSeconds: Int
    /// A resolution token such as `"720p"`, `"1080p"`, `"4k"`.
    public var resolution: String?
    /// `"16:9"`, `"9:16"`, `"1:1"`…
    public var aspectRatio: String?
    public var audio: Bool?
    /// Variants asked for; 1 unless the caller wants more.
    public var count: Int
    public var mode: Mode
    /// Source image for image-to-video (an https or data URL).
    public var imageURL: String?
    /// A provider tier of the model that sets its price (AIGate Kling `std` / `pro`). Sent to
    /// providers that take it, so the job runs at the tier it was priced and held at.
    public var quality: String?
    /// Our own job id, sent where the provider echoes or keeps a caller's reference (AIGate's
    /// `user`), so a job whose answer was lost can be traced on the provider's side.
    public var clientReference: String?

    public init(
        model: String,
        prompt: String,
        durationSeconds: Int,
        resolution: String? = nil,
        aspectRatio: String? = nil,
        audio: Bool? = nil,
        count: Int = 1,
        mode: Mode = .textToVideo,
        imageURL: String? = nil,
        quality: String? = nil,
        clientReference: String? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.durationSeconds = durationSeconds
        self.resolution = resolution
        self.aspectRatio = aspectRatio
        self.audio = audio
        self.count = count
        self.mode = mode
        self.imageURL = imageURL
        self.quality = quality
        self.clientReference = clientReference
    }
}
