def rnn_cell(x: torch.Tensor, h: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
             b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Forbidden: copies the weights into torch.nn.RNNCell instead of writing the equation."""
    cell = torch.nn.RNNCell(W_ih.shape[1], W_ih.shape[0])
    with torch.no_grad():
        cell.weight_ih.copy_(W_ih)
        cell.weight_hh.copy_(W_hh)
        cell.bias_ih.copy_(b_ih)
        cell.bias_hh.copy_(b_hh)
        return cell(x, h)
