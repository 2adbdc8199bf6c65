"""Uploaded images are decoded and written anew, so only pixels are ever stored.

A file that merely starts like an image (a PNG signature followed by HTML, a JPEG with a script
appended, a polyglot) is either refused because it does not decode, or comes out as a fresh
JPEG without the rest. Re-encoding also drops every piece of metadata: EXIF (with the phone's
GPS position, its make and serial number, the time), XMP, comments and embedded thumbnails,
which would otherwise tell anyone who opens the photo where a household lives.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# Formats a phone's camera or browser produces; anything else is refused before decoding.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85


class ImageRefused(ValueError):
    """The upload is not an image Khaya keeps; the message says why, for people."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def reencode(content: bytes, *, max_pixels: int, max_side: int) -> CleanImage:
    """Decode ``content`` and return it as a new JPEG with no metadata.

    Images of more than ``max_pixels`` are refused before their pixels are decoded (a small
    PNG can declare 100,000 x 100,000 pixels and take gigabytes to open); images larger than
    ``max_side`` on their long side are scaled down. The EXIF orientation is applied first,
    so a photo taken with the phone turned stays upright once the tag is gone.
    """
    try:
        with Image.open(io.BytesIO(content), formats=ACCEPTED_FORMATS) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ImageRefused(f"The image has more than {max_pixels:,} pixels.")
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((max_side, max_side))
            flat = _flatten(upright)
            # A new image from the pixels alone: Pillow copies some of an image's info (the
            # JPEG comment, XMP) into what it saves, so nothing of the input may come along.
            clean = Image.frombytes("RGB", flat.size, flat.tobytes())
            out = io.BytesIO()
            clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except ImageRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise ImageRefused("Not a JPEG, PNG or WebP image.") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Pillow reports truncated or corrupt data through these.
        raise ImageRefused("The image is damaged or incomplete.") from error
    return CleanImage(out.getvalue(), "image/jpeg", clean.width, clean.height)


def _flatten(image: Image.Image) -> Image.Image:
    """Return ``image`` as RGB; transparent parts become white, as on paper."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
