/** Feed-forward style transfer of images (the fast-neural-style models), behind {@code vinfer stylize}. */
package dev.vinfer.samples.style;
