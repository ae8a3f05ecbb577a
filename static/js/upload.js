// Upload each chosen 835 file on its own request, with a progress bar per file.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  const results = document.getElementById("results");
  if (!form || !results || !window.XMLHttpRequest) return;
  form.addEventListener("submit", (event) => {
    const input = form.querySelector('input[type="file"]');
    if (!input.files.length) return;
    event.preventDefault();
    const token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    for (const file of input.files) {
      const slot = document.createElement("div");
      slot.className = "card result";
      const label = document.createElement("p");
      label.textContent = `${file.name}: uploading…`;
      const bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      bar.setAttribute("aria-label", `Upload progress of ${file.name}`);
      slot.append(label, bar);
      results.prepend(slot);
      const data = new FormData();
      data.append("files", file);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.upload.addEventListener("load", () => { label.textContent = `${file.name}: posting…`; });
      xhr.addEventListener("load", () => {
        slot.outerHTML = xhr.responseText;
        if (window.htmx) window.htmx.process(results);
      });
      xhr.addEventListener("error", () => {
        label.textContent = `${file.name}: the upload failed (network). Nothing was posted; try again.`;
      });
      xhr.send(data);
    }
    form.reset();
  });
});
