"""The Jupyter Server side of Sluice, as a server extension: settings the server needs so a
kernel's messages reach the browser as soon as the kernel sends them. Enabled by
jupyter_server_config.d/sluice.json, which scripts/jupyter-server-config.sh installs into the
Python environment that runs Jupyter. Its JupyterLab extension (kernel/jupyter/labextension) is
prebuilt into ./labextension by scripts/labextension.sh; that script installs it as well."""

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from .websocket import NoDelayKernelWebsocketConnection

__all__ = ["NoDelayKernelWebsocketConnection"]


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "sluice-jupyter"}]


def _jupyter_server_extension_points():
    return [{"module": "sluice_jupyter"}]


def _load_jupyter_server_extension(serverapp):
    # Only replace the stock bridge: a gateway or a user's own class is left as configured.
    if serverapp.kernel_websocket_connection_class is not ZMQChannelsWebsocketConnection:
        serverapp.log.info("sluice_jupyter: kernel websocket class is %s; TCP_NODELAY not added", serverapp.kernel_websocket_connection_class)
        return
    serverapp.web_app.settings["kernel_websocket_connection_class"] = NoDelayKernelWebsocketConnection
    serverapp.log.info("sluice_jupyter: kernel websockets send without Nagle delay (TCP_NODELAY)")
