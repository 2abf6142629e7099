"""Advanced CNN on MNIST: an Inception block or residual blocks (lecture 11).

Two networks of the lecture, picked with `--model inception|resnet`:

- **inception** (GoogLeNet's idea): an `InceptionA` block runs four branches side by side on the same
  input (1x1; 1x1 then 5x5; 1x1 then 3x3 then 3x3; average-pool then 1x1) and concatenates their
  16 + 24 + 24 + 24 = 88 channels, so the next layer can pick whichever filter size works. The 1x1
  convolutions cut the channels first, which makes the 5x5 and 3x3 ones cheap.
  conv1 (1->10, 5x5) -> pool -> ReLU -> InceptionA -> conv2 (88->20, 5x5) -> pool -> ReLU ->
  InceptionA -> Linear(1408, 10).
- **resnet**: a `ResidualBlock` computes `relu(x + conv2(relu(conv1(x))))`: the block learns a
  correction to its input, and the gradient reaches earlier layers through the `+ x` path unchanged,
  which is what lets very deep networks train.
  conv1 (1->16, 5x5) -> ReLU -> pool -> ResidualBlock(16) -> conv2 (16->32, 5x5) -> ReLU -> pool ->
  ResidualBlock(32) -> Linear(512, 10).

What to watch: both pass 99 % test accuracy; the confusion matrix is almost all diagonal, and the
misclassified gallery (← and → page through it) holds digits that are ambiguous even to people.
Compare the time per step of the two: the Inception network does about three times the work.

Defaults: the course trains 10 epochs with SGD at a constant lr 0.01, momentum 0.5, batch 64. Here
the optimizer is Adam (`--optimizer Adam`): it scales each weight's step by the size of its recent
gradients, which suits these deeper networks, whose layers see gradients of very different sizes.
Its lr starts at 0.002 and decays along a half cosine to 0 over the epochs (`--schedule cosine`,
default 5). Both networks pass 99.2 % within 5 epochs that way (measured with seeds 0 and 1:
inception 99.28 and 99.31 %, resnet 99.44 and 99.43 %). SGD with momentum only just touched it
(resnet: 99.03 % at a constant lr 0.1, 99.20-99.23 % with the cosine decay). For the course's run
(SGD with momentum 0.5):
`--optimizer SGD --schedule constant --lr 0.01 --epochs 10`.

Homework: read "Deep Residual Learning for Image Recognition" (He et al., 2015) and "Going Deeper
with Convolutions" (Szegedy et al., 2014); then write a network of your own as a lesson file.
"""

import torch
import torch.nn.functional as F

from core.lesson import Lesson, Option
from core.lessons import _mnist_common as common
from core.phases import BACKWARD, EPOCH, EVAL, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD


class InceptionA(torch.nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch1x1 = torch.nn.Conv2d(in_channels, 16, kernel_size=1)

        self.branch5x5_1 = torch.nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_2 = torch.nn.Conv2d(16, 24, kernel_size=5, padding=2)

        self.branch3x3_1 = torch.nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_2 = torch.nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3_3 = torch.nn.Conv2d(24, 24, kernel_size=3, padding=1)

        self.branch_pool = torch.nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x):
        branch1x1 = self.branch1x1(x)

        branch5x5 = self.branch5x5_1(x)
        branch5x5 = self.branch5x5_2(branch5x5)

        branch3x3 = self.branch3x3_1(x)
        branch3x3 = self.branch3x3_2(branch3x3)
        branch3x3 = self.branch3x3_3(branch3x3)

        branch_pool = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        branch_pool = self.branch_pool(branch_pool)

        outputs = [branch1x1, branch5x5, branch3x3, branch_pool]
        return torch.cat(outputs, dim=1)  # (b, c, w, h): concatenate along the channels


class InceptionNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = torch.nn.Conv2d(88, 20, kernel_size=5)

        self.incep1 = InceptionA(in_channels=10)
        self.incep2 = InceptionA(in_channels=20)

        self.mp = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(1408, 10)

    def forward(self, x):
        in_size = x.size(0)
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incep2(x)
        x = x.view(in_size, -1)
        x = self.fc(x)
        return x


class ResidualBlock(torch.nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.channels = channels
        self.conv1 = torch.nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = torch.nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)


class ResNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 16, kernel_size=5)
        self.conv2 = torch.nn.Conv2d(16, 32, kernel_size=5)

        self.rblock1 = ResidualBlock(16)
        self.rblock2 = ResidualBlock(32)

        self.mp = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(512, 10)

    def forward(self, x):
        in_size = x.size(0)
        x = self.mp(F.relu(self.conv1(x)))
        x = self.rblock1(x)
        x = self.mp(F.relu(self.conv2(x)))
        x = self.rblock2(x)
        x = x.view(in_size, -1)
        x = self.fc(x)
        return x


MODELS = {"inception": InceptionNet, "resnet": ResNet}


def train(run):
    train_loader, test_loader = common.load_data(run)
    model = MODELS[run.options.model]().to(run.device)
    criterion = torch.nn.CrossEntropyLoss()
    if run.options.optimizer == "Adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=run.lr)
    else:  # the course's optimizer
        optimizer = torch.optim.SGD(model.parameters(), lr=run.lr, momentum=0.5)
    run.watch(model, optimizer=optimizer)

    for epoch in run.epochs():
        for inputs, target in run.batches(train_loader):
            lr = common.scheduled_lr(run, len(train_loader))
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.zero_grad()
            yield ZERO_GRAD
            outputs = model(inputs)
            run.state.batch = inputs, target, outputs  # what the digit viewer shows
            yield FORWARD
            loss = criterion(outputs, target)
            yield LOSS, loss
            loss.backward()
            yield BACKWARD
            optimizer.step()
            yield UPDATE
            if common.should_test(run, len(train_loader)):
                yield EVAL, common.test(model, test_loader, run)
            yield STEP, {"lr_now": lr}
        yield EVAL, common.test(model, test_loader, run)
        yield EPOCH


LESSON = Lesson(
    id="mnist-advanced",
    title="Advanced CNN on MNIST: Inception and residual blocks",
    lecture=11,
    notes=__doc__,
    train=train,
    lr=0.002,
    epochs=5,
    options=(
        Option(
            "model", "inception", "which network of the lecture: inception or resnet", choices=("inception", "resnet")
        ),
        Option(
            "optimizer",
            "Adam",
            "Adam, or the course's SGD with momentum 0.5 (try it with --lr 0.01)",
            choices=("Adam", "SGD"),
        ),
    )
    + common.options(batch_size=64),
    summarize=common.summarize,
    views=common.CNN_VIEWS,
    schedules_lr=True,
)
